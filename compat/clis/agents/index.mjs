// What the lane gives an agent's spec (compat/clis/agents/<name>.mjs): where the agent runs and
// what it is asked. A spec returns { pkg, fake, harness, provider, env, setup?, command, expected,
// timeoutMs?, scenarios?, scenarioEnv? } (scenarioEnv: env added in one scenario).

/**
 * @typedef {object} AgentContext
 * @property {string} home the agent's fresh HOME
 * @property {string} work its work dir (holds hello.txt)
 * @property {string} bridge the OTLP/HTTP base URL it exports to
 * @property {(name: string) => string} bin the path of one of its package's executables
 * @property {{ read: string, run: string, tools: string }} prompts the lane's prompts
 * @property {string} scenario the scenario being played (ok, error, or one of the spec's `scenarios`)
 */

import { continueCli } from './continue.mjs';
import { copilot } from './copilot.mjs';
import { kilo } from './kilo.mjs';
import { qwen } from './qwen.mjs';

/** The agents whose specs live in this folder, by lane name. */
export const AGENTS = { kilo, qwen, copilot, continue: continueCli };
