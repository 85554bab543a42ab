fn main() -> std::process::ExitCode {
    dflint::cli::main()
}
