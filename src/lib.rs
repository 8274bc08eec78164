//! offsetdeck: reset consumer-group offsets and delete offsets and messages on Huawei DMS for Kafka and Tencent
//! CKafka / DTS, from a terminal dashboard or headless commands.

pub mod cli;
pub mod command;
pub mod core;
pub mod emulator;
pub mod engine;
pub mod providers;
pub mod tui;
