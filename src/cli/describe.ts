// `amortvi describe <name>` (and `amortvi reproduce <name> --help`): what a
// study's --set, --data and --iterations mean, with the defaults.
import { describeSettingType, formatSettingValue, settingDefault } from "../experiments/settings.js";
import type { Experiment } from "../experiments/types.js";

function defaultText(spec: NonNullable<Experiment["settings"]>[number]): string {
  const full = formatSettingValue(settingDefault(spec, false));
  const quick = formatSettingValue(settingDefault(spec, true));
  return full === quick ? full : `${full} (quick: ${quick})`;
}

/** The settings, data layout and meaning of --iterations of one study, as plain text. */
export function describeExperiment(experiment: Experiment): string {
  const lines = [`${experiment.name}: ${experiment.title}`, "", experiment.description, ""];
  const specs = experiment.settings ?? [];
  if (specs.length === 0) lines.push("Settings: none (this study takes no --set).");
  else {
    lines.push("Settings (--set name=value, repeatable; lists are comma-separated):");
    const rows = specs.map((s) => ({ name: s.name, value: defaultText(s), text: `${s.description}; ${describeSettingType(s)}` }));
    const wName = Math.max(...rows.map((r) => r.name.length));
    const wValue = Math.max(...rows.map((r) => r.value.length));
    for (const r of rows) lines.push(`  ${r.name.padEnd(wName)}  ${r.value.padEnd(wValue)}  ${r.text}`);
  }
  lines.push("");
  const data = experiment.data;
  if (!data) lines.push("Data: none (this study takes no --data).");
  else {
    const rows = [data.minRows !== undefined ? `at least ${data.minRows}` : "", data.maxRows !== undefined ? `at most ${data.maxRows}` : ""].filter(Boolean).join(", ");
    lines.push(`Data (--data file.csv | file.json | file.npy): ${data.columns} column${data.columns === 1 ? "" : "s"}${rows ? `, ${rows} rows` : ""}: ${data.description}.`);
    if (data.replaces?.length) lines.push(`  The data determines ${data.replaces.join(", ")}: do not --set ${data.replaces.length > 1 ? "them" : "it"} with --data.`);
  }
  lines.push("");
  const it = experiment.iterations;
  lines.push(
    it === undefined
      ? "--iterations: optimizer steps of the study's main training loop."
      : typeof it === "string"
        ? `--iterations: ${it}.`
        : `--iterations: not accepted: ${it.unsupported}.`,
  );
  return lines.join("\n") + "\n";
}
