//! Issue 15's performance targets, in a city of 40,000 LoD2 buildings (the
//! load_city set: the real NRW tile copied 482 times):
//! `cargo bench --bench plan_edit`
//!
//! The core plugins (no GPU) run frames while the benchmark, through the
//! same commands as the UI, drags a corner of a drawn volume (the frame
//! that applies it rebuilds the variant, its mesh and picking), computes
//! the key figures of the variant (the KPI table), switches between two
//! variants that demolish different buildings, and fills the undo history
//! with 1,000 edits. Targets: edit < 16 ms of CPU, switch < 100 ms,
//! 1,000 undo steps < 10 MB.

use bevy::prelude::*;
use planwerkstatt::plan::{PlanCommand, PlanEditor, VolumeEdit};
use planwerkstatt::scenario::{ScenarioCommand, ScenarioState};
use pw_analysis::Analysis;
use std::time::{Duration, Instant};

const COPIES: usize = 482;

fn stats(name: &str, mut t: Vec<Duration>) {
    t.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{name}: median {:.2} ms, 95 % {:.2} ms, worst {:.2} ms ({} runs)",
        ms(t[t.len() / 2]),
        ms(t[(t.len() - 1) * 95 / 100]),
        ms(t[t.len() - 1]),
        t.len()
    );
}

fn main() {
    let t = Instant::now();
    let city = pw_testkit::city_tiles::tiled_city(COPIES).unwrap();
    println!(
        "city: {} ({} buildings) ready in {:.1} s",
        city.display(),
        COPIES * pw_testkit::city_tiles::BUILDINGS_PER_TILE,
        t.elapsed().as_secs_f64()
    );
    let dir = std::env::temp_dir().join(format!("pw-bench-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scene = dir.join("stadt.scene");
    std::fs::write(
        &scene,
        format!(
            "name = \"40k\"\ncrs = \"EPSG:25832\"\norigin = [280926.0, 5657424.0, 36.0]\n\n\
             [[layers]]\nname = \"LoD2\"\nkind = \"citygml\"\npath = \"{}\"\n",
            city.display()
        ),
    )
    .unwrap();
    // Two variants demolishing different buildings of the first copy, each
    // with a drawn house.
    let house = "[[variant.volume]]\nid = \"neu-1\"\nfootprint = [[280930.0, 5657330.0], [280950.0, 5657330.0], [280950.0, 5657342.0], [280930.0, 5657342.0]]\nstoreys = 4\n";
    std::fs::write(
        dir.join("stadt.plan.toml"),
        format!(
            "[[variant]]\nname = \"A\"\nremoved = [\"c0_DENW43AL00001j2W\", \"c0_DENW43AL00001j64\"]\n\n{house}\n\
             [[variant]]\nname = \"B\"\nremoved = [\"c0_DENW43AL00001j7A\", \"c0_DENW43AL00001j4Y\", \"c0_DENW43AL00001j3n\"]\n\n{}",
            house.replace("neu-1", "neu-2")
        ),
    )
    .unwrap();

    let mut app = planwerkstatt::app::headless_core_app();
    app.world_mut()
        .write_message(planwerkstatt::layers::SceneCommand::Open(scene.clone()));
    let t = Instant::now();
    loop {
        app.update();
        let layers = app.world().resource::<planwerkstatt::layers::Layers>();
        if layers
            .entries
            .first()
            .is_some_and(|l| l.status == planwerkstatt::layers::LayerStatus::Ready)
            && app
                .world()
                .resource::<planwerkstatt::layers::city_draw::CityLayers>()
                .layers
                .len()
                == 1
        {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(600),
            "the city did not load"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    println!("loaded in the app in {:.1} s", t.elapsed().as_secs_f64());

    let activate = |app: &mut App, name: &str| {
        app.world_mut()
            .write_message(ScenarioCommand::Activate(Some(name.into())));
        let t = Instant::now();
        app.update();
        t.elapsed()
    };
    activate(&mut app, "A");
    for _ in 0..5 {
        app.update();
    }

    // Dragging a corner: one frame applies each step.
    let mut edits = Vec::new();
    for k in 0..200 {
        let dx = (k % 10) as f64 * 0.5;
        let footprint = vec![
            [280_930.0, 5_657_330.0],
            [280_950.0 + dx, 5_657_330.0],
            [280_950.0, 5_657_342.0],
            [280_930.0, 5_657_342.0],
        ];
        app.world_mut().write_message(PlanCommand::Edit {
            volume: "neu-1".into(),
            edit: VolumeEdit::Footprint(footprint),
        });
        let t = Instant::now();
        app.update();
        edits.push(t.elapsed());
        // The drawn mesh and what analyses see follow in that frame.
        let state = app.world().resource::<ScenarioState>();
        let e = state.edits.added[0].objects[0].extent();
        assert!((e.max[0] - (280_950.0 + dx)).abs() < 1e-6, "{e:?}");
        let layer = state.volumes_layer.unwrap();
        let drawn = app
            .world()
            .resource::<planwerkstatt::layers::city_draw::CityLayers>()
            .layers[&layer]
            .city
            .model
            .objects[0]
            .extent();
        assert_eq!(drawn.max[0], e.max[0]);
    }
    stats("edit a corner (whole frame: variant, mesh, picking)", edits);

    // The key figures of the variant over the whole city.
    let mut figures = Vec::new();
    for _ in 0..20 {
        let world = app.world();
        let t = Instant::now();
        let s = planwerkstatt::scenario::current(
            "A".into(),
            world.resource(),
            world.resource(),
            world.resource(),
            world.resource(),
            world.resource(),
            world.get_resource(),
        );
        let a = pw_plan::PlanFiguresAnalysis;
        let mut values = a.defaults();
        values.set(
            "plot",
            pw_analysis::Value::Polygon(Some(vec![
                [280_900.0, 5_657_300.0],
                [281_000.0, 5_657_300.0],
                [281_000.0, 5_657_400.0],
                [280_900.0, 5_657_400.0],
            ])),
        );
        let r = pw_analysis::run_checked(&a, &values, &s, &pw_job::JobControl::default()).unwrap();
        figures.push(t.elapsed());
        assert_eq!(r.kpi("removed_buildings").unwrap().value, 2.0);
    }
    stats(
        "key figures of the variant with a plot (40,000 buildings)",
        figures,
    );

    // Switching between variants that demolish different buildings.
    let mut switches = Vec::new();
    for k in 0..20 {
        switches.push(activate(&mut app, if k % 2 == 0 { "B" } else { "A" }));
    }
    stats("switch variant", switches);

    // 1,000 edits in the undo history.
    for k in 0..1000 {
        let footprint = vec![
            [280_930.0, 5_657_330.0],
            [280_950.0 + (k % 7) as f64, 5_657_330.0],
            [280_950.0, 5_657_342.0],
            [280_930.0, 5_657_342.0],
        ];
        app.world_mut().write_message(PlanCommand::Edit {
            volume: "neu-1".into(),
            edit: VolumeEdit::Footprint(footprint),
        });
        app.update();
    }
    let bytes = app.world().resource::<PlanEditor>().history_bytes();
    println!(
        "undo history after 1,000 edits: {:.2} MB (the plan as text per step)",
        bytes as f64 / 1e6
    );
    std::fs::remove_dir_all(&dir).ok();
}
