//! `--picture out.png [--picture-size 7680x4320]`: open the scene, wait
//! until it has settled (see `view::screenshot::Settled`), take one
//! picture with its stamp and quit — exit code 0 only when it was saved.

use super::capture::{PictureCommand, PictureState};
use crate::view::screenshot::{HoldClock, SettlePlugin, Settled};
use bevy::prelude::*;
use std::path::PathBuf;
use std::time::Duration;

pub struct PictureOnStartPlugin {
    pub path: PathBuf,
    pub size: (u32, u32),
    pub timeout: Duration,
}

#[derive(Resource)]
struct OnStart {
    path: PathBuf,
    size: (u32, u32),
    timeout: Duration,
    requested: bool,
}

impl Plugin for PictureOnStartPlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<SettlePlugin>() {
            app.add_plugins(SettlePlugin);
        }
        app.init_resource::<HoldClock>()
            .insert_resource(OnStart {
                path: self.path.clone(),
                size: self.size,
                timeout: self.timeout,
                requested: false,
            })
            .add_systems(Last, drive);
    }
}

fn drive(
    mut on_start: ResMut<OnStart>,
    settled: Res<Settled>,
    state: Res<PictureState>,
    mut pictures: MessageWriter<PictureCommand>,
    mut exit: MessageWriter<AppExit>,
) {
    if settled.started.elapsed() > on_start.timeout {
        error!("picture: gave up after {:?}", on_start.timeout);
        exit.write(AppExit::error());
        return;
    }
    if on_start.requested {
        match &state.last {
            Some(Ok(path)) => {
                info!("picture saved to {}", path.display());
                exit.write(AppExit::Success);
            }
            Some(Err(e)) => {
                error!("picture: {e}");
                exit.write(AppExit::error());
            }
            None => {}
        }
        return;
    }
    if settled.is_settled() {
        pictures.write(PictureCommand::Take {
            width: on_start.size.0,
            height: on_start.size.1,
            path: Some(on_start.path.clone()),
        });
        on_start.requested = true;
        info!("picture requested after {:?}", settled.started.elapsed());
    }
}
