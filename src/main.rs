fn main() -> std::process::ExitCode {
    offsetdeck::cli::main()
}
