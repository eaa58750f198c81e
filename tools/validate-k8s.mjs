// Validates Kubernetes manifests offline against the API schemas of the pinned
// `kubernetes-models` package (tools/package-lock.json), the way an API server would:
//
//   node tools/validate-k8s.mjs rendered-dev.yaml rendered-prod.yaml
//
// For every object of every YAML stream:
//   - apiVersion and kind must name a type kubernetes-models knows (an unknown type or a typo is
//     an error, not a pass), in a GA version: kubernetes-models still carries alpha/beta
//     versions that current clusters no longer serve (autoscaling/v2beta2, policy/v1beta1,
//     extensions/v1beta1, ...), so those are refused too;
//   - the object must satisfy that type's JSON schema (types, formats, required fields);
//   - no field may be unknown to the schema (like `kubectl apply --validate=strict`). The
//     generated validators ignore unknown properties, so each object is validated through a
//     Proxy that records which properties the validator looked at: a property it never read
//     is one the schema does not declare (maps such as labels are iterated, so their keys count
//     as read).
// Exit status: 0 when every object passes, 1 otherwise (2 for a usage or file error).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const MODELS_DIR = path.dirname(require.resolve("kubernetes-models/package.json"));

const schemaValidators = new Map();

// apps/v1 + Deployment -> kubernetes-models/apps/v1/Deployment.mjs, whose import names the
// generated validator (_schemas/IoK8sApiAppsV1Deployment.mjs).
async function validatorFor(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (schemaValidators.has(key)) return schemaValidators.get(key);
  let found = null;
  if (/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    const modelFile = path.join(MODELS_DIR, ...apiVersion.split("/"), `${kind}.mjs`);
    let source = null;
    try {
      source = readFileSync(modelFile, "utf8");
    } catch {
      source = null;
    }
    const declared = source && /\.apiVersion="([^"]+)",\w+\.kind="([^"]+)"/.exec(source);
    const schema = source && /from"((?:\.\.\/)+_schemas\/\w+\.mjs)"/.exec(source);
    // A file that exists but is not a top-level type (e.g. apps/v1/DeploymentSpec) declares no
    // apiVersion/kind of its own.
    if (declared && schema && declared[1] === apiVersion && declared[2] === kind) {
      const module = await import(pathToFileURL(path.resolve(path.dirname(modelFile), schema[1])).href);
      found = module.validate;
    }
  }
  schemaValidators.set(key, found);
  return found;
}

// A deep Proxy that records, per plain object, which keys were read or tested.
function tracked(value, seen) {
  if (value === null || typeof value !== "object") return value;
  if (!seen.has(value)) seen.set(value, new Set());
  const keys = seen.get(value);
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === "string") keys.add(key);
      return tracked(Reflect.get(target, key, receiver), seen);
    },
    has(target, key) {
      if (typeof key === "string") keys.add(key);
      return Reflect.has(target, key);
    },
  });
}

function unknownFields(value, seen, where, out) {
  if (value === null || typeof value !== "object") return out;
  if (Array.isArray(value)) {
    value.forEach((item, i) => unknownFields(item, seen, `${where}[${i}]`, out));
    return out;
  }
  const read = seen.get(value) ?? new Set();
  for (const [key, child] of Object.entries(value)) {
    if (!read.has(key)) out.push(`${where}.${key}`);
    else unknownFields(child, seen, `${where}.${key}`, out);
  }
  return out;
}

function describe(errors) {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword} ${JSON.stringify(e.params ?? {})}`)
    .join("; ");
}

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node tools/validate-k8s.mjs FILE.yaml...");
    return 2;
  }
  let failures = 0;
  let objects = 0;
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      console.error(`${file}: ${e.message}`);
      return 2;
    }
    const documents = parseAllDocuments(text, { prettyErrors: true });
    for (const [index, document] of documents.entries()) {
      const at = `${file} (document ${index + 1})`;
      if (document.errors.length > 0) {
        console.error(`FAIL ${at}: YAML: ${document.errors.map((e) => e.message).join("; ")}`);
        failures++;
        continue;
      }
      const object = document.toJS();
      if (object === null || object === undefined) continue;
      objects++;
      const name = `${object.kind ?? "?"}/${object.metadata?.name ?? "?"}`;
      if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
        console.error(`FAIL ${at} ${name}: no apiVersion or kind`);
        failures++;
        continue;
      }
      if (/\/?v[0-9]+(alpha|beta)[0-9]+$/.test(object.apiVersion)) {
        console.error(`FAIL ${at} ${name}: ${object.apiVersion} is an alpha/beta API (removed or off by default in current Kubernetes); use the GA version`);
        failures++;
        continue;
      }
      const validate = await validatorFor(object.apiVersion, object.kind);
      if (!validate) {
        console.error(`FAIL ${at} ${name}: unknown type ${object.apiVersion} ${object.kind} (not in kubernetes-models)`);
        failures++;
        continue;
      }
      // kustomize folds long base64 values over lines; the API server's decoder (Go's
      // encoding/base64) skips newlines, the schema's "byte" format does not.
      for (const field of ["data", "binaryData"]) {
        const map = (object.kind === "Secret" || field === "binaryData") && object[field];
        if (map && typeof map === "object") {
          for (const [k, v] of Object.entries(map)) if (typeof v === "string") map[k] = v.replace(/[\r\n]/g, "");
        }
      }
      const seen = new Map();
      if (!validate(tracked(object, seen))) {
        console.error(`FAIL ${at} ${name}: ${describe(validate.errors)}`);
        failures++;
        continue;
      }
      const unknown = unknownFields(object, seen, "", []);
      if (unknown.length > 0) {
        console.error(`FAIL ${at} ${name}: unknown field(s) ${unknown.join(", ")}`);
        failures++;
      }
    }
  }
  if (objects === 0) {
    console.error("FAIL: no Kubernetes object found");
    return 1;
  }
  console.log(`validate-k8s: ${objects} object(s), ${failures} failure(s)`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
