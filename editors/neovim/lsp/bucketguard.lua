-- bucketguard: Amazon S3 security findings in CloudFormation and Terraform
-- files, from `bucketguard server`.
--
-- Neovim 0.11+: put this folder on 'runtimepath' (or copy this file to
-- ~/.config/nvim/lsp/bucketguard.lua) and call vim.lsp.enable('bucketguard').
-- Override any field with vim.lsp.config('bucketguard', { ... }).

---@type vim.lsp.Config
return {
  cmd = { 'bucketguard', 'server' },
  -- The server decides which of these files are templates; the others get
  -- nothing. 'hcl' covers setups that give *.tf files that filetype.
  filetypes = { 'yaml', 'json', 'jsonc', 'terraform', 'terraform-vars', 'hcl' },
  root_markers = { 'bucketguard.toml', '.bucketguard.toml', '.git' },
  -- The server reads the `bucketguard` section (workspace/configuration):
  -- select, ignore, severity, debounceMs, maxFileSize (bytes),
  -- maxDiagnostics. The project's bucketguard.toml applies as well; these
  -- are layered over it.
  settings = {
    bucketguard = vim.empty_dict(),
  },
}
