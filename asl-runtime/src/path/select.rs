/// Placeholder: what a path selects.
#[derive(Debug)]
pub enum Selected {}
