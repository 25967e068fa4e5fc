//! RLS-19 (Richtlinien für den Lärmschutz an Straßen, Ausgabe 2019, with
//! Korrekturblatt 2/2020), mandatory under the 16. BImSchV since 2021:
//! emission per vehicle group and source line, propagation per sub-segment.

pub mod emission;
pub mod path;
pub mod propagation;
