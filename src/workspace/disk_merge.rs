//! Merging what changed on disk into unsaved edits (the workbench, and the
//! recovery journal): the field-level merge of [`super::merge`] with the
//! text the edits started from as the base. Changes to different fields are
//! combined without a question; a field changed on both sides is resolved
//! by picking a side per conflict ([`resolve`]).

use super::Workspace;
use super::merge::{self, Conflict, MergeResult, OURS_MARKER, SPLIT_MARKER, THEIRS_MARKER};
use super::schema::FileKind;
use super::source::read_capped;

/// Which side a conflict is resolved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The unsaved edits.
    Ours,
    /// The file on disk.
    Theirs,
}

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

/// Replace each conflict block of a merged text (git's markers, at the lines
/// the conflicts name) by the side picked for it: `picks[b]` for block `b`
/// of [`blocks`] (a missing pick keeps ours).
pub fn resolve(text: &str, conflicts: &[Conflict], picks: &[Side]) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let marker = |k: usize, m: &str| lines.get(k).is_some_and(|l| l.trim_end() == m);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (b, block) in blocks(conflicts).iter().enumerate() {
        let c = &conflicts[block[0]];
        let (start, end) = (c.lines.0.saturating_sub(1), c.lines.1.saturating_sub(1));
        if start < at || !marker(start, OURS_MARKER) || !marker(end, THEIRS_MARKER) {
            return Err(format!(
                "conflict at {} is not where the merge said (lines {}–{})",
                c.place(),
                c.lines.0,
                c.lines.1
            ));
        }
        let Some(split) = (start + 1..end).find(|&k| marker(k, SPLIT_MARKER)) else {
            return Err(format!("conflict at {} has no `=======` line", c.place()));
        };
        out.extend(lines[at..start].iter().copied());
        let part = match picks.get(b) {
            Some(Side::Theirs) => &lines[split + 1..end],
            _ => &lines[start + 1..split],
        };
        out.extend(part.iter().copied());
        at = end + 1;
    }
    out.extend(lines[at.min(lines.len())..].iter().copied());
    Ok(out)
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
        let mine = resolve(&r.text, &r.conflicts, &[Side::Ours]).expect("resolve");
        assert_eq!(mine, ours);
        let bl = blocks(&r.conflicts);
        assert_eq!(bl.len(), 1, "adjacent fields share one block");
        let one = resolve(&r.text, &r.conflicts, &[Side::Theirs]).expect("resolve");
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
        let mixed = resolve(&r2.text, &r2.conflicts, &[Side::Ours, Side::Theirs]).expect("resolve");
        assert!(
            mixed.contains("title = \"Mine\"") && mixed.contains("status = \"mitigating\""),
            "{mixed}"
        );
        assert!(!mixed.contains("<<<<<<<"));
    }

    #[test]
    fn a_conflict_not_at_its_lines_is_refused() {
        let ours = BASE.replace("likelihood = 3", "likelihood = 4");
        let theirs = BASE.replace("likelihood = 3", "likelihood = 2");
        let r = merge::merge(FileKind::Risks, BASE, &ours, &theirs);
        let mut moved = r.conflicts.clone();
        moved[0].lines.0 += 1;
        assert!(resolve(&r.text, &moved, &[Side::Ours]).is_err());
    }
}
