// The CrossGuard policy pack. This module only constructs the PolicyPack (which starts a gRPC
// server and never returns): tests and tools import ./policies and ./run, never this file.
import * as pulumi from "@pulumi/pulumi";
import { PolicyPack } from "@pulumi/policy";
import { PACK, POLICIES, initialConfigFor } from "./policies";

new PolicyPack(PACK.name, { policies: POLICIES, enforcementLevel: PACK.enforcementLevel, description: PACK.description }, initialConfigFor(pulumi.getStack()));
