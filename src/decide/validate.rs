//! What a decision must say for the record's form: its outcome, the options of the form's
//! determination page, documentation and findings.

use super::kind::Kind;
use super::refusal::Refusal;
use crate::determination::{DeterminationInput, DocFinding};
use crate::error::Result;
use crate::form::Form;

fn check_doc(key: &str, d: &DocFinding) -> Result<()> {
    if !["required", "covered", ""].contains(&d.finding.as_str()) {
        return Err(Refusal::BadDocumentation(format!(
            "{key} finding must be `required` or `covered`, not `{}`",
            d.finding
        ))
        .into());
    }
    if !["none", "new", "update"].contains(&d.action.as_str()) {
        return Err(Refusal::BadDocumentation(format!(
            "{key} action must be `none`, `new` or `update`, not `{}`",
            d.action
        ))
        .into());
    }
    // New and Updated say what the required document will be: they go with "required" only.
    if !matches!(d.action.as_str(), "none" | "") && d.finding != "required" {
        return Err(Refusal::BadDocumentation(format!(
            "{key}: New and Updated say what the required {key} will be, so they go with --{key}-required, not with coverage by an existing one"
        ))
        .into());
    }
    if d.action == "update" && d.ids.is_empty() {
        return Err(Refusal::BadDocumentation(format!(
            "{key}: an update names the {key} to be updated (--{key}-update <id>)"
        ))
        .into());
    }
    if d.finding == "covered" && d.ids.is_empty() {
        return Err(Refusal::BadDocumentation(format!(
            "{key} coverage needs the ids of the covering documents (--{key}-covered <id>, once for each)"
        ))
        .into());
    }
    Ok(())
}

/// Refuse a decision the record's form cannot record: an outcome it does not have, an option
/// its determination page lacks, documentation it does not rule on, or a decision that does not
/// say what its outcome needs (why, conditions).
pub(super) fn validate(
    form: &Form,
    kind: Kind,
    id: &str,
    input: &DeterminationInput,
) -> Result<()> {
    let mut outcomes: Vec<String> = form
        .determination
        .outcomes
        .iter()
        .map(|o| o.value.clone())
        .collect();
    if kind == Kind::Appeal {
        outcomes.push("pending".into());
    }
    if input.outcome.is_empty() {
        return Err(Refusal::NoOutcome(outcomes).into());
    }
    if !outcomes.contains(&input.outcome) {
        return Err(Refusal::UnknownOutcome {
            outcome: input.outcome.clone(),
            form: form.id.clone(),
            choices: outcomes,
        }
        .into());
    }
    let page = &form.determination;
    let outcome = form.outcome(&input.outcome);
    let analysis = !input.rules_do_not_comply.trim().is_empty();
    // The options a form's determination page does not have cannot be ticked.
    for (given, label, flag) in [
        (analysis, &page.rules_do_not_comply, "--rules-do-not-comply"),
        (
            input.training_required,
            &page.training_required,
            "--training-required",
        ),
    ] {
        if given && label.is_none() {
            return Err(Refusal::NoSuchOption {
                form: form.id.clone(),
                flag,
            }
            .into());
        }
    }
    if let (true, true, Some(label)) = (
        outcome.is_some_and(|o| o.approves),
        analysis,
        &page.rules_do_not_comply,
    ) {
        return Err(Refusal::Contradiction {
            outcome: input.outcome.clone(),
            finding: label.split(" <").next().unwrap_or(label).to_string(),
        }
        .into());
    }
    // They are reasons requirements are not yet met: they qualify one outcome.
    if let (true, Some(under)) = (
        analysis || input.training_required,
        page.options_under.as_deref(),
    ) {
        if input.outcome != under && input.outcome != "pending" {
            return Err(Refusal::NotUnder {
                outcome: input.outcome.clone(),
                under: under.to_string(),
            }
            .into());
        }
    }
    let says_why = !input.comments.trim().is_empty() || analysis || input.training_required;
    if outcome.is_some_and(|o| !o.approves) && !says_why {
        let mut other = Vec::new();
        if page.rules_do_not_comply.is_some() {
            other.push("--rules-do-not-comply \"…\"");
        }
        if page.training_required.is_some() {
            other.push("--training-required");
        }
        return Err(Refusal::NeedsWhy {
            outcome: input.outcome.clone(),
            other,
        }
        .into());
    }
    if outcome.is_some_and(|o| o.requires_conditions) && input.conditions.trim().is_empty() {
        return Err(Refusal::NeedsConditions(input.outcome.clone()).into());
    }
    let kinds: Vec<&str> = form
        .determination
        .documentation
        .iter()
        .map(|k| k.key.as_str())
        .collect();
    for (key, d) in &input.documentation {
        if !kinds.contains(&key.as_str()) {
            return Err(Refusal::UnknownDocumentation {
                key: key.clone(),
                id: id.to_string(),
                form: form.id.clone(),
                kinds: kinds.iter().map(|k| k.to_string()).collect(),
            }
            .into());
        }
        check_doc(key, d)?;
    }
    Ok(())
}

/// The reviewer's findings: only the form's, each of the kind it takes, and every one an
/// approval needs.
pub(super) fn check_findings(
    form: &Form,
    approves: bool,
    input: &DeterminationInput,
) -> Result<()> {
    let defs = &form.determination.findings;
    for (key, value) in &input.findings {
        let Some(def) = defs.iter().find(|f| &f.key == key) else {
            return Err(Refusal::UnknownFinding {
                key: key.clone(),
                form: form.id.clone(),
                keys: defs.iter().map(|f| f.key.clone()).collect(),
            }
            .into());
        };
        let choices = finding_choices(form, def);
        let ok = match (&choices, value) {
            (None, toml::Value::Boolean(_)) => true,
            (Some(c), toml::Value::String(v)) => c.contains(v),
            _ => false,
        };
        if !ok {
            let why = match choices {
                None => "it is a statement the reviewer affirms: true or false".to_string(),
                Some(c) => format!("choose one of: {}", c.join(", ")),
            };
            return Err(Refusal::BadFinding {
                key: key.clone(),
                why,
            }
            .into());
        }
    }
    if !approves || input.outcome == "pending" {
        return Ok(());
    }
    for def in defs.iter().filter(|f| f.to_approve) {
        let given = input.findings.get(&def.key);
        let affirmed = match given {
            Some(toml::Value::Boolean(b)) => *b,
            Some(_) => true,
            None => false,
        };
        if !affirmed {
            let choices = finding_choices(form, def);
            return Err(Refusal::NeedsFinding {
                outcome: input.outcome.clone(),
                key: def.key.clone(),
                number: def.number.clone().unwrap_or_default(),
                text: def.text.clone(),
                value: choices
                    .map(|c| format!("=<{}>", c.join("|")))
                    .unwrap_or_default(),
            }
            .into());
        }
    }
    Ok(())
}

/// The values a finding with choices takes (`None`: a statement affirmed or not).
pub fn finding_choices(form: &Form, def: &crate::form::FindingDef) -> Option<Vec<String>> {
    let path = def.choices_from.as_deref()?;
    Some(
        form.field(path)
            .map(|f| f.choices.iter().map(|c| c.value.clone()).collect())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::determination::DocFinding;
    use crate::form::FormSet;

    fn refusal(form: &str, kind: Kind, input: DeterminationInput) -> String {
        let set = FormSet::builtin().unwrap();
        match validate(set.get(form).unwrap(), kind, "x", &input) {
            Ok(()) => "accepted".into(),
            Err(e) => e.to_string(),
        }
    }

    fn input(outcome: &str) -> DeterminationInput {
        DeterminationInput {
            outcome: outcome.into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_outcome_is_one_of_the_forms() {
        for (kind, outcome, says) in [
            (Kind::Determination, "", "say the outcome: --outcome met | not-yet-met | not-authorized"),
            (Kind::Appeal, "", "say the outcome: --outcome met | not-yet-met | not-authorized | pending"),
            (
                Kind::Determination,
                "approve",
                "`approve` is not an outcome of dhs-smout; choose one of: met, not-yet-met, not-authorized",
            ),
            (Kind::Appeal, "pending", "accepted"),
            (Kind::Determination, "met", "accepted"),
        ] {
            assert_eq!(refusal("dhs-smout", kind, input(outcome)), says, "{outcome:?}");
        }
    }

    #[test]
    fn a_refusal_says_why_in_the_forms_words() {
        assert_eq!(
            refusal("dhs-smout", Kind::Determination, input("not-authorized")),
            "`not-authorized` does not approve the use, so it says why: --comments \"…\" (or --rules-do-not-comply \"…\", --training-required)"
        );
        let mut i = input("not-yet-met");
        i.training_required = true;
        assert_eq!(refusal("dhs-smout", Kind::Determination, i), "accepted");
        let mut i = input("met");
        i.rules_do_not_comply = "They do not.".into();
        assert_eq!(
            refusal("dhs-smout", Kind::Determination, i),
            "`met` approves the use, so it cannot also find \"Rules of Behavior do not comply.\"; choose another outcome or drop the analysis"
        );
        assert_eq!(
            refusal(
                "cbp-pii-disclosure",
                Kind::Determination,
                input("approve-with-conditions")
            ),
            "`approve-with-conditions` needs the conditions (--conditions)"
        );
    }

    #[test]
    fn documentation_findings_are_the_forms_kinds_and_well_formed() {
        let with = |key: &str, finding: &str, ids: &[&str], action: &str| {
            let mut i = input("met");
            i.documentation.insert(
                key.into(),
                DocFinding {
                    finding: finding.into(),
                    ids: ids.iter().map(|s| s.to_string()).collect(),
                    action: action.into(),
                },
            );
            i
        };
        let d = Kind::Determination;
        assert_eq!(
            refusal(
                "dhs-smout",
                d,
                with("pia", "covered", &["DHS/CBP/PIA-010(a)"], "none")
            ),
            "accepted"
        );
        assert_eq!(
            refusal("dhs-smout", d, with("dpia", "required", &[], "new")),
            "`dpia` is not documentation form dhs-smout rules on; it rules on: pia, sorn"
        );
        assert_eq!(
            refusal("dhs-smout", d, with("sorn", "covered", &[], "none")),
            "sorn coverage needs the ids of the covering documents (--sorn-covered <id>, once for each)"
        );
        assert_eq!(
            refusal("dhs-smout", d, with("pia", "maybe", &[], "none")),
            "pia finding must be `required` or `covered`, not `maybe`"
        );
        assert_eq!(
            refusal("dhs-smout", d, with("pia", "required", &[], "later")),
            "pia action must be `none`, `new` or `update`, not `later`"
        );
    }
}
