//! Bilingual text: a plain string, or a `{ zh = "…", en = "…" }` table.

use serde::{Deserialize, Serialize};

/// The user-facing language. Chinese first; English on request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" | "zh_CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
    /// Pick between a Chinese and an English literal.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A text in one or two languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Text {
    Plain(String),
    Both {
        zh: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        en: Option<String>,
    },
}

impl Default for Text {
    fn default() -> Self {
        Text::Plain(String::new())
    }
}

impl Text {
    pub fn new(zh: &str, en: &str) -> Text {
        Text::Both {
            zh: zh.to_string(),
            en: Some(en.to_string()),
        }
    }
    /// The text in `lang`, falling back to Chinese when no English is given.
    pub fn get(&self, lang: Lang) -> &str {
        match (self, lang) {
            (Text::Plain(s), _) => s,
            (Text::Both { zh, .. }, Lang::Zh) => zh,
            (Text::Both { en: Some(en), .. }, Lang::En) => en,
            (Text::Both { zh, .. }, Lang::En) => zh,
        }
    }
    pub fn zh(&self) -> &str {
        self.get(Lang::Zh)
    }
    /// English only when the author wrote it (a plain string counts as both).
    pub fn en(&self) -> Option<&str> {
        match self {
            Text::Plain(s) => Some(s),
            Text::Both { en, .. } => en.as_deref(),
        }
    }
    /// True when an English translation is missing (a plain string with CJK characters,
    /// or a table without `en`).
    pub fn lacks_english(&self) -> bool {
        match self {
            Text::Plain(s) => s.chars().any(is_cjk),
            Text::Both { en, .. } => en.is_none(),
        }
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "a string or a table {{ zh = \"…\", en = \"…\" }}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::Plain(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                let (mut zh, mut en) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "zh" => zh = Some(map.next_value::<String>()?),
                        "en" => en = Some(map.next_value::<String>()?),
                        other => return Err(serde::de::Error::unknown_field(other, &["zh", "en"])),
                    }
                }
                match zh {
                    Some(zh) => Ok(Text::Both { zh, en }),
                    None => Err(serde::de::Error::missing_field("zh")),
                }
            }
        }
        d.deserialize_any(V)
    }
}
