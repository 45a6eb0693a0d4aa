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
    /// A text written in both languages (what [`tr!`] builds).
    pub fn both(zh: String, en: String) -> Text {
        Text::Both { zh, en: Some(en) }
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
    /// Chinese and English (Chinese where no English is written): for a message that
    /// quotes this text in each of its languages.
    pub fn pair(&self) -> (&str, &str) {
        (self.get(Lang::Zh), self.get(Lang::En))
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

/// `tr!("中文 {x}", "English {x}")`: a [`Text`] in both languages, each string formatted
/// as by `format!` (named arguments may follow: `tr!("{n}", "{n}", n = 3)`). Messages are
/// written in both languages where they are made, so nothing is translated afterwards.
macro_rules! tr {
    ($zh:literal, $en:literal $(,)?) => {
        $crate::text::Text::both(format!($zh), format!($en))
    };
    ($zh:literal, $en:literal, $($arg:tt)+) => {
        $crate::text::Text::both(format!($zh, $($arg)+), format!($en, $($arg)+))
    };
}
pub(crate) use tr;

/// A Chinese numeral up to the hundreds (十一 = 11, 二十一 = 21, 一百零五 = 105).
fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c);
    let (mut total, mut cur) = (0u32, 0u32);
    let mut any = false;
    for c in s.chars() {
        any = true;
        match c {
            '十' => {
                total += cur.max(1) * 10;
                cur = 0;
            }
            '百' => {
                total += cur.max(1) * 100;
                cur = 0;
            }
            c => cur = u32::try_from(digit(c)?).ok()?,
        }
    }
    any.then_some(total + cur)
}

/// An article citation in English: `第十一条（三）` -> `Art. 11(3)`, `第八条第二款` ->
/// `Art. 8 para. 2`, `；` -> `; `. Anything else is kept as written.
pub fn cite_en(cite: &str) -> String {
    let one = |part: &str| -> Option<String> {
        let rest = part.trim().strip_prefix('第')?;
        let (num, rest) = rest.split_once('条')?;
        let mut out = format!("Art. {}", chinese_number(num)?);
        let mut rest = rest.trim();
        if let Some(r) = rest.strip_prefix('第')
            && let Some((n, r)) = r.split_once('款')
        {
            out += &format!(" para. {}", chinese_number(n)?);
            rest = r.trim();
        }
        if let Some(r) = rest.strip_prefix('（')
            && let Some((n, r)) = r.split_once('）')
        {
            out += &format!("({})", chinese_number(n)?);
            rest = r.trim();
        }
        rest.is_empty().then_some(out)
    };
    cite.split('；')
        .map(|p| one(p).unwrap_or_else(|| p.trim().to_string()))
        .collect::<Vec<_>>()
        .join("; ")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cites_read_in_english() {
        assert_eq!(cite_en("第八条"), "Art. 8");
        assert_eq!(cite_en("第十一条（三）"), "Art. 11(3)");
        assert_eq!(cite_en("第二十一条（一）"), "Art. 21(1)");
        assert_eq!(cite_en("第十五条；第十七条"), "Art. 15; Art. 17");
        assert_eq!(cite_en("第八条第二款"), "Art. 8 para. 2");
        assert_eq!(cite_en("第一百零五条"), "Art. 105");
        assert_eq!(cite_en("附件二"), "附件二");
        assert_eq!(cite_en("1"), "1");
    }
}
