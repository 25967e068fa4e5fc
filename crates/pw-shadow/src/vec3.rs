//! The few f32 vector operations the BVH, the sampler and the overlays need.

pub type V3 = [f32; 3];

pub fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub fn dot(a: V3, b: V3) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub fn cross(a: V3, b: V3) -> V3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

pub fn normalize(a: V3) -> V3 {
    let l = dot(a, a).sqrt().max(1e-12);
    a.map(|v| v / l)
}

/// An orthonormal basis (u, v) of the plane with normal `n`: u horizontal
/// (along a wall), v up the slope; for flat roofs u points east.
pub fn plane_basis(n: V3) -> (V3, V3) {
    let helper = if n[2].abs() < 0.99 {
        [0.0, 0.0, 1.0]
    } else {
        [0.0, 1.0, 0.0]
    };
    let u = normalize(cross(helper, n));
    (u, cross(n, u))
}
