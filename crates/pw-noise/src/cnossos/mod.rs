//! CNOSSOS-EU (Directive (EU) 2015/996, amended by 2021/1226).

pub mod attenuation;
pub mod emission;
pub mod plane;
pub mod profile;
pub mod surfaces;
