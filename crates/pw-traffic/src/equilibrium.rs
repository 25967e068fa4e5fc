//! The assignment's entry: a thread pool of the size asked for, the
//! solver, and the method chosen — bi-conjugate Frank–Wolfe (assign.rs) or
//! gradient projection (gradient_projection.rs); both share the solver's
//! loading and gap, so neither file needs the other.

use crate::assign::{Algorithm, Assignment, AssignmentSettings, Solver};
use crate::{Demand, Network, TrafficError};
use pw_job::JobControl;

pub fn assign(
    network: &Network,
    demand: &Demand,
    settings: &AssignmentSettings,
    job: &JobControl,
) -> Result<Assignment, TrafficError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build()
        .expect("a thread pool");
    // Inside the pool: the solver asks it how many threads it has.
    pool.install(|| {
        let solver = Solver::new(network, demand, settings);
        match settings.algorithm {
            Algorithm::BiconjugateFrankWolfe => solver.run(job),
            Algorithm::GradientProjection => crate::gradient_projection::run(&solver, job),
        }
    })
}
