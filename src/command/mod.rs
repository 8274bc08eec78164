//! The command language both edges speak: the shell's subcommands and flags, parsed by clap. The command line runs
//! them; the dashboard's `:` line parses the same words on the selected instance and plans them through the engine.

pub mod args;
