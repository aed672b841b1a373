// Where the dataplane's Python test helpers (listener, probe, API bridge) live.
import * as path from "path";

export const PY_DIR = path.join(__dirname, "py");
