//! `planwerkstatt variant list|kpi|export`: a scene's variants from the
//! shell — what each changes, its key figures against "Bestand" (B − A,
//! GRZ/GFZ against a plot from a vector file), and its buildings and trees
//! as CityJSON 2.0, CityGML 2.0 or GLB.

use crate::scenario::headless;
use pw_analysis::{Analysis, AnalysisResult, Value};
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand, Debug, Clone)]
pub enum VariantCli {
    /// The scene's variants and what each changes.
    List { scene: PathBuf },
    /// A variant's key figures beside "Bestand" (or another variant) and
    /// the difference B − A.
    Kpi(KpiArgs),
    /// Write a variant's new buildings and trees (with --with-city: the
    /// whole city as the variant has it) as CityJSON 2.0 (.city.json),
    /// CityGML 2.0 (.gml) or binary glTF (.glb).
    Export(ExportArgs),
}

#[derive(clap::Args, Debug, Clone)]
pub struct KpiArgs {
    pub scene: PathBuf,
    #[arg(long)]
    pub variant: String,
    /// Compare with this variant instead of "Bestand".
    #[arg(long, value_name = "NAME")]
    pub against: Option<String>,
    /// Plot polygon for GRZ/GFZ: a vector file (GeoJSON, Shapefile,
    /// GeoPackage …); with several polygons, --plot-id or the one holding
    /// the new buildings.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    /// Feature id or attribute value of the plot in --plot.
    #[arg(long, value_name = "ID")]
    pub plot_id: Option<String>,
    /// Also write the table as CSV.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ExportArgs {
    pub scene: PathBuf,
    #[arg(long)]
    pub variant: String,
    /// Output file; the ending chooses the format: .city.json, .gml, .glb.
    pub output: PathBuf,
    /// Write every building of the scene as the variant has it, not only
    /// the new ones.
    #[arg(long)]
    pub with_city: bool,
}

fn scenario(scene_path: &Path, variant: Option<&str>) -> anyhow::Result<pw_analysis::Scenario> {
    let scene = pw_scene::Scene::load(scene_path)?;
    let mut s = headless::load(&scene, scene_path)?;
    if let Some(name) = variant.filter(|n| *n != "Bestand") {
        headless::apply_variant(&mut s, scene_path, name)?;
    }
    Ok(s)
}

/// "a,b" as CSV fields (quoted when needed).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

pub fn variant(cmd: &VariantCli) -> anyhow::Result<String> {
    let i18n = crate::base::i18n::I18n::new(crate::base::i18n::Language::English);
    let mut out = String::new();
    match cmd {
        VariantCli::List { scene } => {
            let path = pw_plan::PlanFile::path_for(scene);
            let plan = pw_plan::PlanFile::load(&path)?;
            if plan.variants.is_empty() {
                out += &format!("{}: no variants yet\n", path.display());
            }
            for v in &plan.variants {
                out += &format!(
                    "{:<24} {} volumes, {} trees planted, {} removed, {} moved\n",
                    v.name,
                    v.volumes.len(),
                    v.trees.len(),
                    v.removed.len(),
                    v.moves.len()
                );
            }
        }
        VariantCli::Kpi(args) => {
            let a_name = args.against.as_deref().unwrap_or("Bestand");
            let sa = scenario(&args.scene, Some(a_name))?;
            let sb = scenario(&args.scene, Some(&args.variant))?;
            let analysis = pw_plan::PlanFiguresAnalysis;
            let mut values = analysis.defaults();
            if let Some(file) = &args.plot {
                // The plot that holds the variant's new buildings.
                let centres: Vec<[f64; 2]> = sb
                    .edits
                    .added
                    .iter()
                    .flat_map(|m| m.objects.iter())
                    .map(|o| {
                        let e = o.extent();
                        [(e.min[0] + e.max[0]) / 2.0, (e.min[1] + e.max[1]) / 2.0]
                    })
                    .collect();
                let ring =
                    super::plot::read_plot(file, args.plot_id.as_deref(), sb.site.crs, &centres)?;
                values.set("plot", Value::Polygon(Some(ring)));
            }
            analysis
                .validate(&values)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let control = pw_job::JobControl::default();
            let ra = pw_analysis::run_checked(&analysis, &values, &sa, &control)?;
            let rb = pw_analysis::run_checked(&analysis, &values, &sb, &control)?;
            let d = pw_analysis::difference(&ra, &rb)
                .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
            for n in sb.notes.iter() {
                out += &format!("note: {n}\n");
            }
            for n in rb.notes.iter().chain(&ra.notes) {
                out += &format!("note: {}\n", i18n.render(n));
            }
            out += &table(&ra, &rb, &d, a_name, &args.variant, &i18n);
            if let Some(csv) = &args.csv {
                std::fs::write(csv, csv_table(&ra, &rb, &d, a_name, &args.variant, &i18n))
                    .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", csv.display()))?;
                out += &format!("written: {}\n", csv.display());
            }
        }
        VariantCli::Export(args) => {
            let s = scenario(&args.scene, Some(&args.variant))?;
            for n in &s.notes {
                out += &format!("note: {n}\n");
            }
            let mut model = if args.with_city {
                s.to_model()
            } else {
                let mut only_new = s.clone();
                only_new.layers.clear();
                only_new.to_model()
            };
            model.format = "Planwerkstatt variant".into();
            anyhow::ensure!(
                !model.objects.is_empty(),
                "{}: variant {:?} builds and plants nothing; add --with-city to write the city as it has it",
                args.scene.display(),
                args.variant
            );
            let name = args.output.to_string_lossy().to_ascii_lowercase();
            let bytes = if name.ends_with(".glb") {
                pw_city::export::to_glb(&model)
            } else if name.ends_with(".json") {
                serde_json::to_vec(&pw_city::export::to_cityjson(&model))?
            } else if name.ends_with(".gml") || name.ends_with(".xml") {
                pw_city::export::to_citygml(&model).into_bytes()
            } else {
                anyhow::bail!(
                    "{}: choose the format by the ending: .city.json, .gml or .glb",
                    args.output.display()
                );
            };
            std::fs::write(&args.output, &bytes)
                .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", args.output.display()))?;
            out += &format!(
                "{}: {} objects of variant {:?}, {:.2} MB\n",
                args.output.display(),
                model.objects.len(),
                args.variant,
                bytes.len() as f64 / 1e6
            );
        }
    }
    Ok(out)
}

fn rows<'a>(
    ra: &'a AnalysisResult,
    rb: &'a AnalysisResult,
    d: &'a AnalysisResult,
) -> impl Iterator<Item = (&'a pw_analysis::Kpi, f64, f64, f64)> + 'a {
    rb.kpis.iter().map(move |k| {
        let a = ra.kpi(&k.key).map(|x| x.value).unwrap_or(f64::NAN);
        let diff = d.kpi(&k.key).map(|x| x.value).unwrap_or(f64::NAN);
        (k, a, k.value, diff)
    })
}

fn table(
    ra: &AnalysisResult,
    rb: &AnalysisResult,
    d: &AnalysisResult,
    a_name: &str,
    b_name: &str,
    i18n: &crate::base::i18n::I18n,
) -> String {
    let mut out = format!("{:<44} {:>14} {:>14} {:>14}\n", "", a_name, b_name, "B − A");
    for (k, a, b, diff) in rows(ra, rb, d) {
        let n = |v: f64| {
            format!("{} {}", i18n.number(v, k.decimals as usize), k.unit)
                .trim_end()
                .to_string()
        };
        let sign = if diff > 0.0 { "+" } else { "" };
        out += &format!(
            "{:<44} {:>14} {:>14} {:>14}\n",
            i18n.render(&k.label),
            n(a),
            n(b),
            format!("{sign}{}", n(diff))
        );
    }
    out
}

fn csv_table(
    ra: &AnalysisResult,
    rb: &AnalysisResult,
    d: &AnalysisResult,
    a_name: &str,
    b_name: &str,
    i18n: &crate::base::i18n::I18n,
) -> String {
    let mut out = format!(
        "key,label,unit,{},{},difference\n",
        csv_field(a_name),
        csv_field(b_name)
    );
    for (k, a, b, diff) in rows(ra, rb, d) {
        out += &format!(
            "{},{},{},{a},{b},{diff}\n",
            k.key,
            csv_field(&i18n.render(&k.label)),
            k.unit
        );
    }
    out
}
