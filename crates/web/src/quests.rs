//! The quests this build of the app offers.
//!
//! `build.rs` embeds every file under `quests/`; here each is parsed with
//! [`Quest::parse`]. A file that fails to parse stays in the list as broken,
//! with the loader's error, so that an author sees it in the picker; it can
//! never be played and never stops the others from loading.

use gameday::quest::Quest;

include!(concat!(env!("OUT_DIR"), "/quest_files.rs"));

/// One embedded quest file, parsed or not.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestEntry {
    /// The file's name under `quests/`, such as `00-tutorial.toml`.
    pub file: &'static str,
    /// The quest, or the loader's error (file, line, column, field, what).
    pub quest: Result<Quest, String>,
}

impl QuestEntry {
    /// The quest's id, if it loaded.
    pub fn id(&self) -> Option<&str> {
        self.quest.as_ref().ok().map(|q| q.id.get_ref().as_str())
    }
}

/// Every embedded quest: loaded ones by their `order`, then file name;
/// broken ones after them, by file name.
pub fn load_all() -> Vec<QuestEntry> {
    let mut entries: Vec<QuestEntry> = QUEST_FILES
        .iter()
        .map(|&(file, text)| parse_entry(file, text))
        .collect();
    entries.sort_by_key(|e| match &e.quest {
        Ok(quest) => (false, quest.order, e.file),
        Err(_) => (true, 0, e.file),
    });
    entries
}

fn parse_entry(file: &'static str, text: &str) -> QuestEntry {
    QuestEntry {
        file,
        quest: Quest::parse(file, text).map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_file_is_listed_with_its_error() {
        let entry = parse_entry("99-broken.toml", "id = 3\n");
        assert_eq!(entry.id(), None);
        let error = entry
            .quest
            .expect_err("a quest without its fields must not load");
        assert!(error.starts_with("99-broken.toml:1:"), "{error}");
    }

    #[test]
    fn quest_files_are_embedded_in_name_order() {
        let names: Vec<&str> = QUEST_FILES.iter().map(|(name, _)| *name).collect();
        assert!(!names.is_empty(), "quests/ holds at least the tutorial");
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        assert!(names.iter().all(|n| n.ends_with(".toml")), "{names:?}");
    }
}
