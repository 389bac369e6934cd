//! Merging what changed on disk into unsaved edits (the workbench, and the
//! recovery journal): the field-level merge of [`super::merge`] with the
//! text the edits started from as the base. Changes to different fields are
//! combined without a question; fields changed on both sides are resolved
//! by picking a side per block of markers ([`blocks`], [`resolve`]).

use super::Workspace;
use super::merge::{self, Conflict, MergeResult, Pick};
use super::schema::FileKind;
use super::source::read_capped;

/// The conflict blocks of a merge in file order: the conflicts that share
/// one marked block (adjacent fields changed on both sides) go together,
/// and are decided together.
pub fn blocks(conflicts: &[Conflict]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..conflicts.len()).collect();
    order.sort_by_key(|&i| conflicts[i].lines);
    let mut out: Vec<Vec<usize>> = Vec::new();
    for i in order {
        match out.last_mut() {
            Some(last) if conflicts[last[0]].lines == conflicts[i].lines => last.push(i),
            _ => out.push(vec![i]),
        }
    }
    out
}

/// The merged text with block `b` of [`blocks`] resolved to `picks[b]` (a
/// missing pick keeps ours).
pub fn resolve(r: &MergeResult, picks: &[Pick]) -> String {
    let starts: Vec<usize> = blocks(&r.conflicts)
        .iter()
        .map(|b| r.conflicts[b[0]].lines.0)
        .collect();
    r.resolve(|c| {
        starts
            .iter()
            .position(|s| *s == c.lines.0)
            .and_then(|b| picks.get(b).copied())
            .unwrap_or(Pick::Ours)
    })
}

impl Workspace {
    /// The file's text on disk now (without a BOM; empty when it is gone).
    pub fn disk_text(&self, kind: FileKind) -> Result<String, String> {
        let path = &self.file(kind).path;
        if !path.exists() {
            return Ok(String::new());
        }
        let bytes = read_capped(path).map_err(|d| d.to_string())?;
        let text =
            String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", path.display()))?;
        Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_string())
    }

    /// Merge the file on disk into the unsaved edits of `kind`, from the
    /// text the edits started from. Nothing changes yet.
    pub fn merge_with_disk(&self, kind: FileKind) -> Result<MergeResult, String> {
        let disk = self.disk_text(kind)?;
        let f = self.file(kind);
        Ok(merge::merge(kind, f.base_text(), f.text(), &disk))
    }

    /// Take a merged (or resolved) text as the unsaved state of `kind`, on
    /// top of the file on disk now: saving writes exactly the merge.
    pub fn take_merged(&mut self, kind: FileKind, text: String) -> Result<(), String> {
        self.rebase_on_disk(kind).map_err(|e| e.to_string())?;
        self.replace_text_from_journal(kind, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "[[risk]]\nid = \"risk-001\"\ntitle = \"A\"\nlikelihood = 3\nimpact = 3\n";

    #[test]
    fn picks_choose_the_side_of_each_conflict() {
        let ours = BASE
            .replace("likelihood = 3", "likelihood = 4")
            .replace("\"A\"", "\"Mine\"");
        let theirs = BASE
            .replace("likelihood = 3", "likelihood = 2")
            .replace("\"A\"", "\"Theirs\"");
        let r = merge::merge(FileKind::Risks, BASE, &ours, &theirs);
        assert_eq!(r.conflicts.len(), 2, "{:#?}", r.conflicts);
        let mine = resolve(&r, &[Pick::Ours]);
        assert_eq!(mine, ours);
        let bl = blocks(&r.conflicts);
        assert_eq!(bl.len(), 1, "adjacent fields share one block");
        let one = resolve(&r, &[Pick::Theirs]);
        assert_eq!(one, theirs);
        // Fields apart from each other are blocks of their own.
        let base2 = format!("{BASE}owner = \"o\"\ncategory = \"market\"\nstatus = \"open\"\n");
        let ours2 = base2
            .replace("\"A\"", "\"Mine\"")
            .replace("\"open\"", "\"closed\"");
        let theirs2 = base2
            .replace("\"A\"", "\"Theirs\"")
            .replace("\"open\"", "\"mitigating\"");
        let r2 = merge::merge(FileKind::Risks, &base2, &ours2, &theirs2);
        let bl2 = blocks(&r2.conflicts);
        assert_eq!(bl2.len(), 2, "{}", r2.text);
        let mixed = resolve(&r2, &[Pick::Ours, Pick::Theirs]);
        assert!(
            mixed.contains("title = \"Mine\"") && mixed.contains("status = \"mitigating\""),
            "{mixed}"
        );
        assert!(!mixed.contains("<<<<<<<"));
    }
}
