//! Colour contrast by WCAG 2: `#rrggbb` colours, their relative luminance and
//! the contrast ratio between two of them, used to check a school's brand colour.

use std::fmt;

/// The contrast WCAG 2 level AA asks of normal-size text (success criterion 1.4.3).
pub const AA_TEXT: f64 = 4.5;

/// An sRGB colour with 8 bits a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb {
    /// Red, 0 to 255.
    pub r: u8,
    /// Green, 0 to 255.
    pub g: u8,
    /// Blue, 0 to 255.
    pub b: u8,
}

impl Rgb {
    /// White, the colour of the header's text.
    pub const WHITE: Rgb = Rgb {
        r: 255,
        g: 255,
        b: 255,
    };

    /// Reads `#rrggbb` or `#rgb` (either case).
    pub fn parse(text: &str) -> Option<Rgb> {
        let digits = text.strip_prefix('#')?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |s: &str| u8::from_str_radix(s, 16).ok();
        match digits.len() {
            6 => Some(Rgb {
                r: channel(&digits[0..2])?,
                g: channel(&digits[2..4])?,
                b: channel(&digits[4..6])?,
            }),
            3 => {
                let short = |i: usize| channel(&digits[i..=i]).map(|v| v * 17);
                Some(Rgb {
                    r: short(0)?,
                    g: short(1)?,
                    b: short(2)?,
                })
            }
            _ => None,
        }
    }

    /// The relative luminance: 0 for black, 1 for white (WCAG 2's definition).
    pub fn relative_luminance(self) -> f64 {
        let linear = |v: u8| {
            let c = f64::from(v) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// The contrast ratio with `other`, from 1 (none) to 21 (black on white).
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.relative_luminance(), other.relative_luminance());
        let (light, dark) = if a >= b { (a, b) } else { (b, a) };
        (light + 0.05) / (dark + 0.05)
    }

    /// The same hue made darker, just enough to reach `ratio` against `text`;
    /// `None` when even black would not (a dark `text`).
    pub fn darkened_for(self, text: Rgb, ratio: f64) -> Option<Rgb> {
        (0..=100u8)
            .rev()
            .map(|percent| self.scaled(percent))
            .find(|c| c.contrast(text) >= ratio)
    }

    fn scaled(self, percent: u8) -> Rgb {
        let scale = |v: u8| (u16::from(v) * u16::from(percent) / 100) as u8;
        Rgb {
            r: scale(self.r),
            g: scale(self.g),
            b: scale(self.b),
        }
    }
}

impl fmt::Display for Rgb {
    /// `#rrggbb`, lower case.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(text: &str) -> Rgb {
        Rgb::parse(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    #[test]
    fn parses_long_and_short_hex_in_either_case() {
        for (text, expected) in [
            ("#1d4f91", (0x1d, 0x4f, 0x91)),
            ("#1D4F91", (0x1d, 0x4f, 0x91)),
            ("#fff", (255, 255, 255)),
            ("#0a3", (0x00, 0xaa, 0x33)),
            ("#000000", (0, 0, 0)),
        ] {
            let c = rgb(text);
            assert_eq!((c.r, c.g, c.b), expected, "{text}");
        }
    }

    #[test]
    fn rejects_anything_else() {
        for text in [
            "",
            "#",
            "1d4f91",
            "#1d4f9",
            "#1d4f911",
            "#ggg",
            "blue",
            "#+1+1+1",
            "#１２３",
        ] {
            assert_eq!(Rgb::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn displays_as_lower_case_long_hex() {
        assert_eq!(rgb("#0A3").to_string(), "#00aa33");
    }

    #[test]
    fn relative_luminance_follows_wcag() {
        for (text, expected) in [
            ("#000000", 0.0),
            ("#ffffff", 1.0),
            ("#ff0000", 0.2126),
            ("#00ff00", 0.7152),
            ("#0000ff", 0.0722),
            ("#808080", 0.21586),
        ] {
            let l = rgb(text).relative_luminance();
            assert!((l - expected).abs() < 1e-4, "{text}: {l}");
        }
    }

    #[test]
    fn contrast_ratios_match_known_values() {
        // Reference values as WebAIM's contrast checker reports them.
        for (a, b, expected) in [
            ("#000000", "#ffffff", 21.0),
            ("#ffffff", "#ffffff", 1.0),
            ("#767676", "#ffffff", 4.54),
            ("#777777", "#ffffff", 4.48),
            ("#1d4f91", "#ffffff", 8.14),
            ("#0000ff", "#ffffff", 8.59),
            ("#ff0000", "#ffffff", 4.0),
            ("#4a90d9", "#ffffff", 3.34),
        ] {
            let ratio = rgb(a).contrast(rgb(b));
            assert!((ratio - expected).abs() < 0.01, "{a} on {b}: {ratio}");
            assert_eq!(ratio, rgb(b).contrast(rgb(a)), "order must not matter");
        }
    }

    #[test]
    fn the_aa_threshold_splits_grey_767676_from_777777() {
        assert!(rgb("#767676").contrast(Rgb::WHITE) >= AA_TEXT);
        assert!(rgb("#777777").contrast(Rgb::WHITE) < AA_TEXT);
    }

    #[test]
    fn darkening_reaches_the_ratio_and_no_further_than_needed() {
        for text in ["#4a90d9", "#ffcc00", "#e60000", "#1d4f91", "#ffffff"] {
            let colour = rgb(text);
            let dark = colour.darkened_for(Rgb::WHITE, AA_TEXT).unwrap();
            assert!(dark.contrast(Rgb::WHITE) >= AA_TEXT, "{text} -> {dark}");
            assert!(dark.r <= colour.r && dark.g <= colour.g && dark.b <= colour.b);
        }
        assert_eq!(
            rgb("#1d4f91").darkened_for(Rgb::WHITE, AA_TEXT),
            Some(rgb("#1d4f91"))
        );
        // Black text cannot be helped by darkening the background.
        assert_eq!(rgb("#333333").darkened_for(rgb("#000000"), AA_TEXT), None);
    }
}
