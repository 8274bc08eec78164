fn main() -> std::process::ExitCode {
    // Die quietly on a closed pipe (`offsetdeck describe ... | head`) instead of panicking on the next print.
    #[cfg(unix)]
    // SAFETY: setting a signal disposition to its default at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    offsetdeck::cli::main()
}
