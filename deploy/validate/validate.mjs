// Validates rendered Kubernetes objects offline: built-in kinds against the API schemas that the
// pinned kubernetes-models ships, custom resources against the pinned CRD schemas in schemas/.
// Usage: node validate.mjs RENDERED.yaml OUTPUT.json
// Writes the objects as a JSON array (for the test suite) and exits non-zero on the first
// document that is not a valid object, listing every invalid object and why.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node validate.mjs RENDERED.yaml OUTPUT.json");
  process.exit(2);
}

const documents = parseAllDocuments(readFileSync(input, "utf8"));
const syntax = documents.flatMap((d) => d.errors.map((e) => e.message));
if (syntax.length > 0) {
  console.error(`${input}: not YAML:\n  ${syntax.join("\n  ")}`);
  process.exit(1);
}

// CRD schemas carry Kubernetes' own keywords (x-kubernetes-*) and formats ajv does not know.
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
const schemaDirectory = new URL("./schemas/", import.meta.url);

async function validate(object) {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return ["has no apiVersion or kind"];
  }

  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const crd = new URL(`${group}_${version}_${kind}.json`, schemaDirectory);
  if (group.includes(".") && existsSync(crd)) {
    const check = ajv.compile(JSON.parse(readFileSync(crd, "utf8")));
    return check(object) ? [] : check.errors.map((e) => `${e.instancePath || "/"} ${e.message}`);
  }

  let Model;
  try {
    ({ [kind]: Model } = await import(`kubernetes-models/${apiVersion}/${kind}`));
  } catch {
    return [`no schema for ${apiVersion} ${kind}`];
  }

  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [error.message];
  }
}

const objects = documents.map((d) => d.toJS()).filter((o) => o !== null);
let invalid = 0;
for (const object of objects) {
  const problems = await validate(object);
  if (problems.length > 0) {
    invalid++;
    console.error(`${input}: ${object.kind ?? "?"} ${object.metadata?.name ?? "?"} is invalid:\n  ${problems.join("\n  ")}`);
  }
}

writeFileSync(output, JSON.stringify(objects, null, 2) + "\n");
if (objects.length === 0) {
  console.error(`${input}: no objects`);
  process.exit(1);
}

console.log(`${input}: ${objects.length} objects, ${invalid === 0 ? "all valid" : `${invalid} invalid`}`);
process.exit(invalid === 0 ? 0 : 1);
