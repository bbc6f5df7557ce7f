fn main() -> std::process::ExitCode {
    bucketguard::cli::main()
}
