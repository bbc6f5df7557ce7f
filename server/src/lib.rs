//! bucketguard: finds Amazon S3 security mistakes in infrastructure code.
//!
//! See `docs/architecture.md` for the bird's-eye view.
pub mod analysis;
pub mod cfn;
pub mod cli;
pub mod config;
pub mod docs;
pub mod fix;
pub mod hover;
pub mod lsp;
pub mod model;
pub mod project;
pub mod rules;
pub mod settings;
pub mod suppress;
pub mod syntax;
pub mod testgen;
pub mod text;
pub mod tf;
