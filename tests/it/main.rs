//! The integration tests, as one binary: one link instead of one per file, and one pool of test threads for the
//! whole suite (CI time). Each module is one concern; `common` is the shared set-up.

mod common;

mod adversity;
mod bounds;
mod bulk;
mod cli_check;
mod cli_json;
mod cli_kafka;
mod cli_ops;
mod cli_safety;
mod discovery;
mod emulator_api;
mod emulator_limits;
mod exit_codes;
mod hardening;
mod hostile;
mod identity;
mod interrupts;
mod lag_over_time;
mod layers;
mod one_engine;
mod plan_files;
mod plan_numbers;
mod profile_errors;
mod properties;
mod pty_demo;
mod rate_table;
mod real_limits;
mod signing_vectors;
mod tls_roots;
mod tui_app;
mod tui_command;
mod tui_live;
mod tui_peek;
mod tui_recovery;
mod verify_after;
