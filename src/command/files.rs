//! Terminal built-ins for the player's files: `echo`, `cat`, `ls`, `rm`,
//! `pwd`, worded as GNU coreutils words them. Files live in the world (see
//! [`crate::files`]), so what they do is replayed with the command log.

use super::Reply;
use crate::files::{Files, HOME};
use crate::world::World;

/// `echo [-n] [WORDS...]`: the words joined by spaces, then a newline
/// unless `-n`. Returns the exact text, for redirection.
pub fn echo(args: &[String]) -> String {
    let (newline, words) = match args.first().map(String::as_str) {
        Some("-n") => (false, &args[1..]),
        _ => (true, args),
    };
    let mut text = words.join(" ");
    if newline {
        text.push('\n');
    }
    text
}

fn failure(program: &str, message: String, hint: &str) -> Reply {
    Reply::error(format!("{program}: {message}"), Some(hint.to_string()))
}

/// `cat FILE...`: the files' text, one after the other.
pub fn cat(world: &World, args: &[String]) -> Result<String, Reply> {
    if args.is_empty() {
        return Err(failure("cat", "reading from the keyboard is not available in this terminal".into(), "Name a file: cat deploy.yml. ls lists your files."));
    }
    let mut out = String::new();
    for name in args {
        match world.files.read(name) {
            Ok(text) => out.push_str(text),
            Err(e) => return Err(failure("cat", e.message(), "ls lists your files.")),
        }
    }
    // The terminal ends every output with a newline of its own.
    if out.ends_with('\n') {
        out.pop();
    }
    Ok(out)
}

/// `ls [-l] [-a] [PATH...]`: names, or with `-l` sizes too.
pub fn ls(world: &World, args: &[String]) -> Result<String, Reply> {
    let long = args.iter().any(|a| a.starts_with('-') && a.contains('l'));
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let targets: Vec<String> = if paths.is_empty() { vec![".".into()] } else { paths.iter().map(|p| p.to_string()).collect() };
    let mut out = Vec::new();
    for target in &targets {
        let entries = match world.files.list(target) {
            Ok(entries) => entries,
            Err(e) => {
                let why = e.message();
                let reason = why.rsplit_once(": ").map_or(why.as_str(), |(_, r)| r);
                let hint = "ls with no argument lists your home directory.";
                return Err(failure("ls", format!("cannot access '{target}': {reason}"), hint));
            }
        };
        if targets.len() > 1 {
            out.push(format!("{target}:"));
        }
        for (name, size) in entries {
            if long {
                let kind = if name.ends_with('/') { "drwxr-xr-x" } else { "-rw-r--r--" };
                out.push(format!("{kind} 1 cloudshell-user cloudshell-user {size:>6} {}", name.trim_end_matches('/')));
            } else {
                out.push(name.trim_end_matches('/').to_string());
            }
        }
    }
    Ok(out.join("\n"))
}

/// `rm FILE...`.
pub fn rm(world: &mut World, args: &[String]) -> Result<String, Reply> {
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        return Err(failure("rm", "missing operand".into(), "rm FILE removes a file."));
    }
    for name in names {
        if let Err(e) = world.files.remove(name) {
            let why = e.message();
            let reason = why.rsplit_once(": ").map_or(why.as_str(), |(_, r)| r);
            return Err(failure("rm", format!("cannot remove '{name}': {reason}"), "ls lists your files."));
        }
    }
    Ok(String::new())
}

/// `pwd`.
pub fn pwd() -> String {
    HOME.to_string()
}

/// Writes a command's output to a redirect target, as the shell does:
/// the error, if any, is bash's.
pub fn redirect(files: &mut Files, path: &str, text: &str, append: bool) -> Result<(), Reply> {
    files.write(path, text, append).map_err(|e| failure("bash", e.message(), "Files can be written in your home directory, such as ~/policy.json."))
}
