// Point symbols as billboards: every symbol is a quad whose four corners
// sit on the same point; the vertex shader spreads them in clip space to a
// fixed size in pixels, the fragment shader cuts a disc with a dark rim.
// Depth-tested, so buildings in front hide the symbols behind them.

#import bevy_pbr::{
    mesh_functions,
    view_transformations::position_world_to_clip,
    mesh_view_bindings::view,
}

// x: diameter in pixels, y: rim width in pixels.
@group(#{MATERIAL_BIND_GROUP}) @binding(0) var<uniform> symbol: vec4<f32>;

struct Vertex {
    @builtin(instance_index) instance_index: u32,
    @location(0) position: vec3<f32>,
    @location(1) color: vec4<f32>,
    // Corner of the quad, each coordinate −1 or 1.
    @location(2) corner: vec2<f32>,
};

struct VertexOutput {
    @builtin(position) clip_position: vec4<f32>,
    @location(0) color: vec4<f32>,
    @location(1) corner: vec2<f32>,
};

@vertex
fn vertex(v: Vertex) -> VertexOutput {
    let world_from_local = mesh_functions::get_world_from_local(v.instance_index);
    let world = mesh_functions::mesh_position_local_to_world(world_from_local, vec4<f32>(v.position, 1.0));
    var clip = position_world_to_clip(world.xyz);
    let half_ndc = symbol.x / view.viewport.zw;
    clip.x += v.corner.x * half_ndc.x * clip.w;
    clip.y += v.corner.y * half_ndc.y * clip.w;
    // A touch nearer (reverse Z: larger is nearer), so the ground the
    // symbol floats over does not cut into its lower half.
    clip.z *= 1.01;
    var out: VertexOutput;
    out.clip_position = clip;
    out.color = v.color;
    out.corner = v.corner;
    return out;
}

@fragment
fn fragment(in: VertexOutput) -> @location(0) vec4<f32> {
    let r = length(in.corner);
    // Outside the disc, or a hidden feature (alpha 0).
    if r > 1.0 || in.color.a < 0.5 {
        discard;
    }
    let rim = 1.0 - 2.0 * symbol.y / symbol.x;
    if r > rim {
        return vec4<f32>(0.08, 0.08, 0.08, 1.0);
    }
    return in.color;
}
