//! Pure domain code: no I/O, no clock, no runtime. Everything here is a function of its inputs.

pub mod credentials;
pub mod diag;
pub mod huawei_regions;
pub mod inert;
pub mod lag;
pub mod limits;
pub mod live;
pub mod offsets_csv;
pub mod profile;
pub mod secret;
pub mod select;
pub mod sign;
pub mod strategy;
pub mod target;
