//! `smout schema`: print a form's JSON Schema.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use smout::error::Error;
use smout::form::FormSet;

use super::{CliResult, Env};

/// Print the JSON Schema of a form's records, for editor completion and validation
///
/// Save it beside your records and point your editor at it. With the Even Better TOML extension
/// (VS Code) or taplo, put this first line in a record:
///
///   #:schema ../../schemas/<form>.json
///
/// Example: smout schema <form> > schemas/<form>.json   (`smout forms` lists the ids)
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SchemaArgs {
    /// The form id (see `smout forms`)
    #[arg(add = ArgValueCompleter::new(super::completions::form_ids))]
    pub form: String,
}

/// Run `smout schema`.
pub fn run(env: &Env, args: SchemaArgs, out: &mut dyn Write) -> CliResult {
    let forms = match env.register() {
        Ok(reg) => reg.forms,
        Err(Error::NoRegister(_)) => FormSet::builtin()?,
        Err(e) => return Err(e.into()),
    };
    let form = forms.get(&args.form).ok_or_else(|| Error::NoForm {
        id: args.form.clone(),
        known: forms.ids().join(", "),
    })?;
    let schema = smout::schema::json_schema(form);
    smout::print::json(out, &env.printer(), &schema)?;
    Ok(ExitCode::SUCCESS)
}
