//! The full-screen dashboard: plain state, a pure `update`, pure views, and the loop that connects them to the
//! terminal and the engine.

pub mod app;
mod batch_view;
pub mod cache;
pub mod command_line;
mod confirm_view;
pub mod copy;
mod detail_view;
mod engine_events;
pub mod forms;
pub mod group_status;
pub mod groups_render;
pub mod groups_view;
mod help;
pub mod history;
pub mod interrupted;
mod job_events;
pub mod keymap;
pub mod layout;
mod live_events;
pub mod log_file;
pub mod log_view;
mod marks;
mod modal_view;
pub mod modes;
pub mod peek;
mod reset_form_view;
mod sheet;
pub mod state;
pub mod tree;
mod undo_pick;
pub mod update;
pub mod view;
mod wrap;
