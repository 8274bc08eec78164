fn main() -> std::process::ExitCode {
    // SIGPIPE stays ignored (Rust's default): a peer that hangs up on a socket fails that call, it never kills a job
    // mid-write. A closed stdout (`| head`) still ends the process quietly: see `cli::out`.
    offsetdeck::cli::main()
}
