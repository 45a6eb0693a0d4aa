//! Finding a font that can print Chinese, and measuring text with it. A font named by the
//! clerk (config `font`) is used as it is or refused with the reason; otherwise fontconfig
//! (`fc-list :lang=zh`) is asked, then the usual Debian font directories are searched for
//! the usual CJK fonts. A font counts only if it maps every character of a probe of common
//! receipt words, so a Latin-only fallback is never taken for a Chinese one.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::raw::FileRef;
use skrifa::string::StringId;
use skrifa::{FontRef, GlyphId, MetadataProvider};

use super::strings::FONT_PACKAGES;

/// The largest font file read.
const MAX_FONT_BYTES: u64 = 128 << 20;

/// Characters every receipt needs: a font that lacks one of them is not a Chinese font.
const PROBE: &str = "百色市人力资源和社会保障局申请人经办签字年月日编号符合条件：，。（）";

/// Families in order of preference (simplified Chinese first, proportional before mono).
const PREFERRED: [&str; 10] = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "Noto Serif CJK SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
];

/// File names of common CJK fonts, in order of preference, for a machine without
/// fontconfig.
const KNOWN_FILES: [&str; 14] = [
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.otf",
    "NotoSansSC-Regular.ttf",
    "SourceHanSansSC-Regular.otf",
    "SourceHanSans-Regular.ttc",
    "NotoSerifCJK-Regular.ttc",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf",
    "uming.ttc",
    "ukai.ttc",
    "simsun.ttc",
];

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error(
        "未找到可打印中文的字体。请安装字体包：sudo apt-get install {pkg}（或 {alt}），或在配置文件中用 font = \"/路径/字体文件\" 指定 / no font that can print Chinese was found: install one (sudo apt-get install {pkg}, or {alt}), or name a font file with font = \"/path/to/font\" in the config file (searched: {searched})",
        pkg = FONT_PACKAGES[0],
        alt = FONT_PACKAGES[1]
    )]
    NoneFound { searched: String },
    #[error("{path}: 无法读取字体文件 / cannot read the font file: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: 不是可用的字体文件（TrueType/OpenType）/ is not a usable font file (TrueType/OpenType)"
    )]
    NotAFont { path: PathBuf },
    #[error(
        "{path}: 这个字体缺少中文字符（例如「{missing}」），请指定中文字体 / this font lacks Chinese characters (such as “{missing}”): name a Chinese font"
    )]
    NoChinese { path: PathBuf, missing: char },
}

/// Where to look for a font.
#[derive(Clone, Debug)]
pub struct FontSearch {
    /// A font file the clerk named: used or refused, never replaced by another.
    pub explicit: Option<PathBuf>,
    /// Ask fontconfig (`fc-list`) first.
    pub fontconfig: bool,
    /// Directories searched (recursively) for the usual CJK font files.
    pub dirs: Vec<PathBuf>,
}

impl Default for FontSearch {
    fn default() -> Self {
        let mut dirs = vec![
            PathBuf::from("/usr/share/fonts"),
            PathBuf::from("/usr/local/share/fonts"),
        ];
        if let Some(home) = std::env::var_os("HOME") {
            let home = PathBuf::from(home);
            dirs.push(home.join(".local/share/fonts"));
            dirs.push(home.join(".fonts"));
        }
        FontSearch {
            explicit: None,
            fontconfig: true,
            dirs,
        }
    }
}

impl FontSearch {
    /// Only this font file.
    pub fn file(path: impl Into<PathBuf>) -> FontSearch {
        FontSearch {
            explicit: Some(path.into()),
            fontconfig: false,
            dirs: Vec::new(),
        }
    }
}

/// A font read into memory, checked to print Chinese.
#[derive(Clone)]
pub struct CjkFont {
    data: Arc<Vec<u8>>,
    index: u32,
    path: PathBuf,
    family: String,
}

impl std::fmt::Debug for CjkFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CjkFont")
            .field("path", &self.path)
            .field("index", &self.index)
            .field("family", &self.family)
            .finish()
    }
}

impl CjkFont {
    /// Find a font as `search` says.
    pub fn find(search: &FontSearch) -> Result<CjkFont, FontError> {
        if let Some(path) = &search.explicit {
            return CjkFont::load(path, None);
        }
        let mut searched = Vec::new();
        if search.fontconfig {
            searched.push("fc-list :lang=zh".to_string());
            for (path, index) in fontconfig_candidates() {
                if let Ok(f) = CjkFont::load(&path, Some(index)) {
                    return Ok(f);
                }
            }
        }
        for dir in &search.dirs {
            searched.push(dir.display().to_string());
        }
        for name in KNOWN_FILES {
            for dir in &search.dirs {
                if let Some(path) = find_file(dir, name, 4)
                    && let Ok(f) = CjkFont::load(&path, None)
                {
                    return Ok(f);
                }
            }
        }
        Err(FontError::NoneFound {
            searched: searched.join(", "),
        })
    }

    /// Read `path` and check it prints Chinese. `index` picks a face of a collection
    /// (.ttc); without it, the simplified Chinese face is taken where there is one.
    pub fn load(path: &Path, index: Option<u32>) -> Result<CjkFont, FontError> {
        let read_err = |source| FontError::Read {
            path: path.to_path_buf(),
            source,
        };
        let not_a_font = || FontError::NotAFont {
            path: path.to_path_buf(),
        };
        // the largest CJK collections are about 30 MB: anything far larger is not a font
        let mut data = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FONT_BYTES + 1).read_to_end(&mut data))
            .map_err(read_err)?;
        if data.len() as u64 > MAX_FONT_BYTES {
            return Err(not_a_font());
        }
        let index = match index {
            Some(i) => i,
            None => best_face(&data).ok_or_else(not_a_font)?,
        };
        let font = FontRef::from_index(&data, index).map_err(|_| not_a_font())?;
        let cmap = font.charmap();
        if let Some(missing) = PROBE.chars().find(|&c| cmap.map(c).is_none()) {
            return Err(FontError::NoChinese {
                path: path.to_path_buf(),
                missing,
            });
        }
        let family = family_name(&font).unwrap_or_default();
        let data = Arc::new(data);
        // the PDF writer must take it too (it parses the tables it embeds)
        krilla::text::Font::new(krilla::Data::from(data.clone()), index).ok_or_else(not_a_font)?;
        Ok(CjkFont {
            data,
            index,
            path: path.to_path_buf(),
            family,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn family(&self) -> &str {
        &self.family
    }

    pub fn index(&self) -> u32 {
        self.index
    }

    /// The font for the PDF writer.
    pub(crate) fn krilla_font(&self) -> Option<krilla::text::Font> {
        krilla::text::Font::new(krilla::Data::from(self.data.clone()), self.index)
    }

    /// A measuring view of the font (checked to parse in [`CjkFont::load`]).
    pub(crate) fn metrics(&self) -> Option<Metrics<'_>> {
        let font = FontRef::from_index(&self.data, self.index).ok()?;
        let upem = f32::from(font.head().ok()?.units_per_em());
        let m = font.metrics(Size::unscaled(), LocationRef::default());
        Some(Metrics {
            cmap: font.charmap(),
            glyphs: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            upem,
            ascent: m.ascent / upem,
            descent: -m.descent / upem,
        })
    }
}

use skrifa::raw::TableProvider;

/// Advances and glyphs of a font, in ems.
pub(crate) struct Metrics<'a> {
    cmap: Charmap<'a>,
    glyphs: GlyphMetrics<'a>,
    upem: f32,
    /// Above the baseline, in ems.
    pub ascent: f32,
    /// Below the baseline, in ems (positive).
    pub descent: f32,
}

impl Metrics<'_> {
    /// The glyph for `c`, if the font has one.
    pub fn glyph(&self, c: char) -> Option<GlyphId> {
        self.cmap.map(c)
    }

    /// The advance of `c` in ems (the missing-glyph box's when the font lacks it).
    pub fn advance(&self, c: char) -> f32 {
        let g = self.glyph(c).unwrap_or(GlyphId::NOTDEF);
        self.glyphs.advance_width(g).unwrap_or(0.0) / self.upem
    }

    /// The advance of `g` in ems.
    pub fn glyph_advance(&self, g: GlyphId) -> f32 {
        self.glyphs.advance_width(g).unwrap_or(0.0) / self.upem
    }

    /// The width of `s` in ems.
    pub fn width(&self, s: &str) -> f32 {
        s.chars().map(|c| self.advance(c)).sum()
    }
}

fn family_name(font: &FontRef<'_>) -> Option<String> {
    // the typographic family (16) names the family without the weight
    [StringId::TYPOGRAPHIC_FAMILY_NAME, StringId::FAMILY_NAME]
        .into_iter()
        .find_map(|id| font.localized_strings(id).english_or_first())
        .map(|s| s.to_string())
}

/// The face of a font file to use: the first preferred family a face has (so the SC face
/// of a Noto CJK collection), else the first face.
fn best_face(data: &[u8]) -> Option<u32> {
    let file = FileRef::new(data).ok()?;
    let families: Vec<(u32, String)> = file
        .fonts()
        .enumerate()
        .filter_map(|(i, f)| Some((u32::try_from(i).ok()?, family_name(&f.ok()?)?)))
        .collect();
    PREFERRED
        .iter()
        .find_map(|p| families.iter().find(|(_, f)| f == p).map(|(i, _)| *i))
        .or_else(|| families.first().map(|(i, _)| *i))
        .or(Some(0))
}

/// Fonts fontconfig says cover Chinese, preferred families first, Regular before other
/// styles. Nothing when `fc-list` is absent or fails.
fn fontconfig_candidates() -> Vec<(PathBuf, u32)> {
    let out = Command::new("fc-list")
        .args([
            ":lang=zh",
            "-f",
            "%{file}\t%{index}\t%{family[0]}\t%{style[0]}\n",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let Ok(out) = out else {
        return Vec::new();
    };
    if !out.status.success() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut found: Vec<(usize, bool, PathBuf, u32)> = text
        .lines()
        .filter_map(|l| {
            let mut it = l.split('\t');
            let path = PathBuf::from(it.next()?);
            let index = it.next()?.parse().ok()?;
            let family = it.next().unwrap_or("");
            let style = it.next().unwrap_or("");
            let rank = PREFERRED
                .iter()
                .position(|p| *p == family)
                .unwrap_or(PREFERRED.len());
            let regular = matches!(style, "Regular" | "Book" | "Normal");
            Some((rank, !regular, path, index))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, _, p, i)| (p, i)).collect()
}

/// `name` somewhere under `dir`, at most `depth` directories down.
fn find_file(dir: &Path, name: &str, depth: usize) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut subdirs = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        if e.file_name().to_string_lossy().eq_ignore_ascii_case(name) {
            return Some(p);
        }
        if depth > 0 && p.is_dir() {
            subdirs.push(p);
        }
    }
    subdirs.sort();
    subdirs.iter().find_map(|d| find_file(d, name, depth - 1))
}
