//! The rectangle an analysis covers, in the scene CRS (metres).

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub min_x: f64,
    pub min_y: f64,
    pub max_x: f64,
    pub max_y: f64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AreaError {
    #[error(
        "area '{0}': write it as min_x,min_y,max_x,max_y in metres of the scene CRS, e.g. 280500,5657000,281500,5658000"
    )]
    Syntax(String),
    #[error("area '{0}' is empty: max must be larger than min")]
    Empty(String),
}

impl Area {
    pub fn new(min_x: f64, min_y: f64, max_x: f64, max_y: f64) -> Area {
        Area {
            min_x: min_x.min(max_x),
            min_y: min_y.min(max_y),
            max_x: min_x.max(max_x),
            max_y: min_y.max(max_y),
        }
    }

    pub fn parse(text: &str) -> Result<Area, AreaError> {
        let v: Vec<f64> = text
            .split(',')
            .map(|s| s.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| AreaError::Syntax(text.into()))?;
        let [a, b, c, d] = v[..] else {
            return Err(AreaError::Syntax(text.into()));
        };
        if !v.iter().all(|x| x.is_finite()) {
            return Err(AreaError::Syntax(text.into()));
        }
        if c <= a || d <= b {
            return Err(AreaError::Empty(text.into()));
        }
        Ok(Area::new(a, b, c, d))
    }

    pub fn width(&self) -> f64 {
        self.max_x - self.min_x
    }
    pub fn height(&self) -> f64 {
        self.max_y - self.min_y
    }
    /// Square metres.
    pub fn size(&self) -> f64 {
        self.width() * self.height()
    }
    pub fn center(&self) -> [f64; 2] {
        [
            0.5 * (self.min_x + self.max_x),
            0.5 * (self.min_y + self.max_y),
        ]
    }
    pub fn grown(&self, by: f64) -> Area {
        Area::new(
            self.min_x - by,
            self.min_y - by,
            self.max_x + by,
            self.max_y + by,
        )
    }
    pub fn overlaps(&self, min_x: f64, min_y: f64, max_x: f64, max_y: f64) -> bool {
        min_x <= self.max_x && max_x >= self.min_x && min_y <= self.max_y && max_y >= self.min_y
    }
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.min_x && x <= self.max_x && y >= self.min_y && y <= self.max_y
    }
}

impl std::fmt::Display for Area {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.2},{:.2},{:.2},{:.2}",
            self.min_x, self.min_y, self.max_x, self.max_y
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let a = Area::parse("280500, 5657000,281500,5658000").unwrap();
        assert_eq!(a.size(), 1_000_000.0);
        assert_eq!(a.center(), [281000.0, 5657500.0]);
        assert!(matches!(Area::parse("1,2,3"), Err(AreaError::Syntax(_))));
        assert!(matches!(Area::parse("1,2,x,4"), Err(AreaError::Syntax(_))));
        assert!(matches!(Area::parse("5,5,1,9"), Err(AreaError::Empty(_))));
        assert!(matches!(
            Area::parse("1,2,inf,4"),
            Err(AreaError::Syntax(_))
        ));
    }
}
