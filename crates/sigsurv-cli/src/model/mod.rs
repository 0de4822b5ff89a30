//! Model frames and fits: a table and a formula (or a command's survival columns) turned into the data the
//! core's estimators take, and the fitted models the commands and the analyses render.

pub mod aft;
pub mod coding;
pub mod competing;
pub mod cox;
pub mod cox_predict;
pub mod coxnet_model;
pub mod fine_gray;
pub mod frame;
pub mod frozen_design;
pub mod km;
pub mod saved;
