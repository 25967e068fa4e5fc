//! `planwerkstatt traffic assign`: a network and its demand from files,
//! the equilibrium, and the volumes per link as GeoJSON (lines, run stamp
//! in `planwerkstatt_run`) or CSV (stamp as leading `#` lines).

use anyhow::{Context, bail, ensure};
use pw_analysis::scenario::InputStamp;
use pw_traffic::result::{LinkLook, assignment_result};
use pw_traffic::zones::{Zone, attach, free_flow_times, gravity};
use pw_traffic::{Algorithm, Assignment, AssignmentSettings, Demand, Network, assign, tntp};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand, Debug)]
pub enum TrafficCli {
    /// Assign trips to a road network (static user equilibrium, BPR costs).
    Assign(AssignArgs),
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlgorithmArg {
    /// Gradient projection (path-based; reaches tight gaps fast).
    Gp,
    /// Bi-conjugate Frank–Wolfe (link-based).
    Bfw,
}

#[derive(clap::Args, Debug, Clone)]
pub struct AssignArgs {
    /// A TNTP network (`*_net.tntp`) or an OpenStreetMap file (.osm, .osm.gz,
    /// .osm.pbf) whose car roads form the network.
    #[arg(long)]
    pub network: PathBuf,
    /// Trips between zones: TNTP `*_trips.tntp`, or a CSV — a table
    /// (origin, destination, trips, optionally period; German headers such
    /// as Von/Nach/Fahrten too) or a matrix — naming zones as the network
    /// does: TNTP zone numbers, or the ids of --zones (see --zone-id).
    /// Without it an OSM network's trips come from a gravity model.
    #[arg(long)]
    pub demand: Option<PathBuf>,
    /// The period of a CSV demand with a period column (e.g. "Früh").
    #[arg(long, requires = "demand")]
    pub period: Option<String>,
    /// Zones for an OSM network: any vector file of polygons or points;
    /// with productions and attractions unless --demand gives the trips.
    #[arg(long)]
    pub zones: Option<PathBuf>,
    /// Attribute of the zones that names them in --demand (default: the
    /// feature's id, else its number in the file).
    #[arg(long)]
    pub zone_id: Option<String>,
    /// Attribute of the zones with the trips that start there.
    #[arg(long, default_value = "productions")]
    pub productions: String,
    /// Attribute of the zones with their weight as destinations.
    #[arg(long, default_value = "attractions")]
    pub attractions: String,
    /// Gravity model deterrence per minute of free-flow travel time.
    #[arg(long, default_value_t = 0.1)]
    pub beta: f64,
    /// Road nodes each zone is joined to.
    #[arg(long, default_value_t = 2)]
    pub connectors: usize,
    /// CRS of the output (and of the OSM network's geometry).
    #[arg(long, default_value = "EPSG:25832")]
    pub crs: String,
    /// Node coordinates of a TNTP network (`*_node.tntp`), in --crs, for
    /// GeoJSON lines.
    #[arg(long)]
    pub nodes: Option<PathBuf>,
    /// Stop at this relative gap (TSTT − SPTT) / TSTT.
    #[arg(long, default_value_t = 1e-4)]
    pub gap: f64,
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Gp)]
    pub algorithm: AlgorithmArg,
    /// Threads for the path searches (0 = one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Minutes added per unit of link length (a generalised cost).
    #[arg(long, default_value_t = 0.0)]
    pub minutes_per_length: f64,
    /// Where the volumes go: .geojson (lines) or .csv (one row per link).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// A network ready to assign, with what the map knows of its links.
struct Prepared {
    network: Network,
    demand: Demand,
    looks: Vec<LinkLook>,
    zone_names: Vec<String>,
    /// OSM lengths are metres; TNTP's miles or feet.
    metres: bool,
    report: String,
}

pub fn traffic(cmd: &TrafficCli) -> anyhow::Result<String> {
    match cmd {
        TrafficCli::Assign(args) => run_assign(args),
    }
}

fn run_assign(args: &AssignArgs) -> anyhow::Result<String> {
    ensure!(
        args.gap > 0.0 && args.gap < 1.0,
        "--gap must lie between 0 and 1, e.g. 1e-4"
    );
    let crs = pw_geo::Crs::parse(&args.crs).with_context(|| format!("--crs {}", args.crs))?;
    let mut prepared = if pw_osm::is_osm_name(&args.network) {
        from_osm(args, crs)?
    } else {
        from_tntp(args, crs)?
    };
    if args.minutes_per_length != 0.0 {
        prepared
            .network
            .weigh_length_and_toll(args.minutes_per_length, 0.0);
    }
    let settings = AssignmentSettings {
        relative_gap: args.gap,
        threads: args.threads,
        algorithm: match args.algorithm {
            AlgorithmArg::Gp => Algorithm::GradientProjection,
            AlgorithmArg::Bfw => Algorithm::BiconjugateFrankWolfe,
        },
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let assignment = assign(
        &prepared.network,
        &prepared.demand,
        &settings,
        &pw_job::JobControl::new(),
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let mut result = assignment_result(
        format!("Verkehr {}", file_name(&args.network)),
        &prepared.network,
        &pw_traffic::result::MapOf {
            links: &prepared.looks,
            closed: &[],
            zone_names: &prepared.zone_names,
            lengths_in_metres: prepared.metres,
        },
        &prepared.demand,
        &assignment,
        Some(crs),
    );
    stamp(&mut result.stamp, args, seconds);
    let mut out = prepared.report;
    let _ = writeln!(
        out,
        "assigned:  {:.0} trips, relative gap {:.2e} after {} iterations in {seconds:.2} s",
        result.kpi("trips").map_or(0.0, |k| k.value),
        assignment.relative_gap,
        assignment.log.len()
    );
    for k in &result.kpis {
        let value = if k.key == "relative_gap" {
            format!("{:.2e}", k.value)
        } else {
            format!("{:.*} {}", k.decimals as usize, k.value, k.unit)
        };
        let _ = writeln!(out, "{:<15}{}", format!("{}:", k.key), value.trim_end());
    }
    for n in &result.notes {
        let _ = writeln!(out, "note:      {n}");
    }
    if let Some(path) = &args.out {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("geojson" | "json") => {
                ensure!(
                    result
                        .features
                        .as_ref()
                        .is_some_and(|f| !f.features.is_empty()),
                    "the network has no coordinates for lines: give --nodes (TNTP) or write .csv"
                );
                pw_analysis::export::write_features_geojson(&result, path)?;
            }
            Some("csv") => std::fs::write(
                path,
                csv(
                    &prepared.network,
                    &prepared.looks,
                    &assignment,
                    &result.stamp,
                ),
            )
            .with_context(|| format!("writing {}", path.display()))?,
            _ => bail!("{}: write .geojson or .csv", path.display()),
        }
        let _ = writeln!(out, "written:   {}", path.display());
    }
    Ok(out)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn stamp(stamp: &mut pw_analysis::RunStamp, args: &AssignArgs, seconds: f64) {
    stamp.analysis = "traffic".into();
    stamp.scenario = file_name(&args.network);
    stamp.version = "1".into();
    stamp.software = format!("planwerkstatt {}", env!("CARGO_PKG_VERSION"));
    stamp.computed_at = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    stamp.seconds = seconds;
    stamp.parameters = vec![
        ("gap".into(), format!("{:e}", args.gap)),
        (
            "algorithm".into(),
            format!("{:?}", args.algorithm).to_lowercase(),
        ),
    ];
    if args.zones.is_some() {
        stamp
            .parameters
            .push(("beta".into(), args.beta.to_string()));
        stamp
            .parameters
            .push(("connectors".into(), args.connectors.to_string()));
    }
    if args.minutes_per_length != 0.0 {
        stamp.parameters.push((
            "minutes_per_length".into(),
            args.minutes_per_length.to_string(),
        ));
    }
    stamp.inputs = [
        Some(&args.network),
        args.demand.as_ref(),
        args.zones.as_ref(),
        args.nodes.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|p| InputStamp::of(p))
    .collect();
}

fn from_tntp(args: &AssignArgs, crs: pw_geo::Crs) -> anyhow::Result<Prepared> {
    let Some(demand_path) = &args.demand else {
        bail!("a TNTP network needs its trips: --demand X_trips.tntp");
    };
    ensure!(
        args.zones.is_none() && args.zone_id.is_none(),
        "--zones and --zone-id go with an OpenStreetMap network; a TNTP network has its zones (numbers)"
    );
    let network = tntp::read_network(&args.network)?;
    let mut demand_report = String::new();
    let demand = if is_csv(demand_path) {
        let zones: Vec<String> = (1..=network.zone_count).map(|z| z.to_string()).collect();
        csv_demand(
            demand_path,
            &zones,
            args.period.as_deref(),
            &mut demand_report,
        )?
    } else {
        ensure!(
            args.period.is_none(),
            "--period goes with a CSV demand; a TNTP trips file has one period"
        );
        tntp::read_demand(demand_path, &network)?
    };
    let nodes = args.nodes.as_deref().map(tntp::read_nodes).transpose()?;
    let looks = network
        .links
        .iter()
        .map(|l| {
            let (a, b) = (
                network.node_names[l.from as usize],
                network.node_names[l.to as usize],
            );
            LinkLook {
                id: format!("{a}-{b}"),
                geometry: nodes
                    .as_ref()
                    .and_then(|n| Some(vec![*n.get(&a)?, *n.get(&b)?])),
                ..Default::default()
            }
        })
        .collect();
    let report = format!(
        "network:   {} nodes, {} links, {} zones (TNTP; coordinates {})\n",
        network.node_count(),
        network.links.len(),
        network.zone_count,
        if nodes.is_some() {
            crs.to_string()
        } else {
            "none".into()
        }
    ) + &demand_report;
    Ok(Prepared {
        network,
        demand,
        looks,
        zone_names: Vec::new(),
        metres: false,
        report,
    })
}

fn from_osm(args: &AssignArgs, crs: pw_geo::Crs) -> anyhow::Result<Prepared> {
    let Some(zones_path) = &args.zones else {
        bail!(
            "an OpenStreetMap network needs zones with trips: --zones zones.geojson (attributes --productions, --attractions)"
        );
    };
    if let Some(d) = &args.demand {
        ensure!(
            is_csv(d),
            "{}: an OpenStreetMap network takes its trips as CSV (origin, destination, trips) between the zones of --zones",
            d.display()
        );
    }
    let to_scene = pw_geo::Reprojector::new(pw_geo::Crs::WGS84, crs)?;
    let project = |p: [f64; 2]| to_scene.apply([p[0], p[1], 0.0]).ok().map(|q| [q[0], q[1]]);
    let data = pw_osm::read_file(&args.network)?;
    let roads = pw_traffic::osm::road_network(
        &data,
        &pw_traffic::osm::default_classes(),
        &project,
        &|_| false,
    )?;
    let zones = read_zones(zones_path, crs, args)?;
    let zone_count = zones.len();
    let zoned = attach(&roads, zones, args.connectors);
    let mut demand_report = String::new();
    let (demand, balanced) = match &args.demand {
        Some(path) => {
            let names: Vec<String> = zoned.zones.iter().map(|z| z.name.clone()).collect();
            let demand = csv_demand(path, &names, args.period.as_deref(), &mut demand_report)?;
            (demand, true)
        }
        None => gravity(&zoned.zones, &free_flow_times(&zoned.network), args.beta),
    };
    let looks = pw_traffic::result::road_looks(&roads.roads, zoned.network.links.len());
    let mut report = format!(
        "network:   {} OSM ways → {} links between {} nodes; {zone_count} zones, {} connectors\n",
        roads.ways,
        roads.roads.len(),
        roads.network.node_count() - roads.turn_nodes.len(),
        zoned.network.links.len() - zoned.road_links
    );
    report += &demand_report;
    for n in &roads.notes {
        let _ = writeln!(report, "note:      {n}");
    }
    if !balanced {
        let _ = writeln!(
            report,
            "note:      some zones cannot send or receive all their trips (no route to a zone that takes them)"
        );
    }
    Ok(Prepared {
        zone_names: zoned.zones.iter().map(|z| z.name.clone()).collect(),
        network: zoned.network,
        demand,
        looks,
        metres: true,
        report,
    })
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt"))
}

/// An OD matrix from CSV between `zones`, and a line on what it holds.
fn csv_demand(
    path: &Path,
    zones: &[String],
    period: Option<&str>,
    report: &mut String,
) -> anyhow::Result<Demand> {
    let od = pw_traffic::od::read_od_csv(path, zones, period)?;
    let pairs: usize = od.demand.origins.iter().map(|(_, d)| d.len()).sum();
    let _ = writeln!(
        report,
        "demand:    {:.1} trips between {pairs} zone pairs from {}{}",
        od.demand.total(),
        file_name(path),
        period.map(|p| format!(" (period {p})")).unwrap_or_default()
    );
    if od.within_zones > 0.0 {
        let _ = writeln!(
            report,
            "note:      {:.1} trips within a zone left out (they do not use the roads)",
            od.within_zones
        );
    }
    if od.repeated_pairs > 0 {
        let _ = writeln!(
            report,
            "note:      {} rows named a zone pair again: their trips were added up",
            od.repeated_pairs
        );
    }
    Ok(od.demand)
}

/// Zones from a vector file: each feature's centre (a polygon's centroid,
/// the point), its name (--zone-id) and, for the gravity model, its two
/// attributes.
fn read_zones(path: &Path, crs: pw_geo::Crs, args: &AssignArgs) -> anyhow::Result<Vec<Zone>> {
    let (productions, attractions) = (args.productions.as_str(), args.attractions.as_str());
    let gravity = args.demand.is_none();
    let mut data = pw_vector::read_file(path, &pw_vector::CsvOptions::default())?;
    ensure!(
        data.crs.is_some(),
        "{}: the file does not say its CRS",
        path.display()
    );
    data.reproject(crs)?;
    let needed: Vec<&str> = if gravity {
        vec![productions, attractions]
    } else {
        Vec::new()
    };
    for field in needed.into_iter().chain(args.zone_id.as_deref()) {
        ensure!(
            data.field_index(field).is_some(),
            "{}: no attribute “{field}” (it has: {})",
            path.display(),
            data.fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut zones = Vec::new();
    for (k, f) in data.features.iter().enumerate() {
        let Some(g) = &f.geometry else { continue };
        let flat =
            |ring: &[[f64; 3]]| -> Vec<[f64; 2]> { ring.iter().map(|c| [c[0], c[1]]).collect() };
        // Where the zone's trips start: a polygon's centroid (its largest
        // part), else the mean of its points or line vertices.
        let centre = match g {
            pw_vector::Geometry::Polygons(p) => p
                .iter()
                .map(|part| flat(&part.exterior))
                .max_by(|a, b| pw_plan::polygon::area(a).total_cmp(&pw_plan::polygon::area(b)))
                .map(|ring| pw_plan::polygon::centroid(&ring)),
            pw_vector::Geometry::Points(p) => {
                (!p.is_empty()).then(|| pw_plan::polygon::centroid(&flat(p)))
            }
            pw_vector::Geometry::Lines(l) => {
                let all: Vec<[f64; 3]> = l.iter().flatten().copied().collect();
                (!all.is_empty()).then(|| pw_plan::polygon::centroid(&flat(&all)))
            }
        };
        let Some(centroid) = centre else { continue };
        let number = |field: &str| {
            data.value(k, field)
                .and_then(|v| v.as_f64())
                .filter(|v| v.is_finite() && *v >= 0.0)
        };
        let name = match &args.zone_id {
            Some(field) => data
                .value(k, field)
                .map(|v| v.to_string())
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{}, feature {}: no “{field}” to name the zone",
                        path.display(),
                        k + 1
                    )
                })?,
            None => f.id.clone().unwrap_or_else(|| (k + 1).to_string()),
        };
        if !gravity {
            zones.push(Zone {
                name,
                centroid,
                productions: 0.0,
                attractions: 0.0,
            });
            continue;
        }
        let (Some(p), Some(a)) = (number(productions), number(attractions)) else {
            bail!(
                "{}, feature {}: “{productions}” and “{attractions}” must be numbers of 0 or more",
                path.display(),
                f.id.clone().unwrap_or_else(|| (k + 1).to_string())
            );
        };
        zones.push(Zone {
            name,
            centroid,
            productions: p,
            attractions: a,
        });
    }
    ensure!(
        zones.len() >= 2,
        "{}: at least two zones are needed",
        path.display()
    );
    if !gravity {
        let mut seen = std::collections::HashSet::new();
        if let Some(z) = zones.iter().find(|z| !seen.insert(z.name.trim())) {
            bail!(
                "{}: two zones are called “{}”: the trips of --demand could go to either (choose an attribute with --zone-id)",
                path.display(),
                z.name
            );
        }
    }
    Ok(zones)
}

/// One row per link (connectors too), the run stamp before it as `#`
/// lines (`pandas.read_csv(…, comment="#")`, QGIS: skip lines).
fn csv(
    network: &Network,
    looks: &[LinkLook],
    a: &Assignment,
    stamp: &pw_analysis::RunStamp,
) -> String {
    let mut out = String::new();
    for (k, v) in stamp.entries() {
        let _ = writeln!(out, "# {k}: {}", v.replace(['\n', '\r'], " "));
    }
    out += "from,to,id,class,name,volume,capacity,volume_capacity,free_flow_minutes,minutes\n";
    let quote = pw_analysis::export::csv_field;
    for (i, link) in network.links.iter().enumerate() {
        let look = looks.get(i).cloned().unwrap_or_default();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{:.3},{},{:.4},{:.4},{:.4}",
            network.node_names[link.from as usize],
            network.node_names[link.to as usize],
            quote(&look.id),
            quote(&look.class),
            quote(&look.name),
            a.flows[i],
            link.capacity,
            a.flows[i] / link.capacity,
            link.cost(0.0),
            a.costs[i]
        );
    }
    out
}
