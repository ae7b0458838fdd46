// Validates Kubernetes objects with kubernetes-models (OpenAPI schemas: required fields, types, formats, enums).
// Usage: node validate.mjs objects.json   (a JSON array of objects). Prints a JSON array of problems; exit 0.
import { readFileSync } from "node:fs";

const groups = {
  "keda.sh": "@kubernetes-models/keda/keda.sh",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator/monitoring.coreos.com",
};

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const base = groups[group] ?? (group ? `kubernetes-models/${group}` : "kubernetes-models");
  const module = await import(`${base}/${version}/${kind}`);
  return module[kind];
}

const objects = JSON.parse(readFileSync(process.argv[2], "utf8"));
const problems = [];
for (const object of objects) {
  const name = `${object.apiVersion}/${object.kind} ${object.metadata?.name}`;
  let Model;
  try {
    Model = await modelOf(object.apiVersion, object.kind);
  } catch (e) {
    problems.push(`${name}: no kubernetes-models model (${e.message})`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    problems.push(`${name}: ${e.message}`);
  }
}
console.log(JSON.stringify(problems));
