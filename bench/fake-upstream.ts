// The strict fake OpenAI server (e2e/fakes/openai-fake.ts) in its own process, for benchmarks.
import { startFakeOpenAI } from "../e2e/fakes/openai-fake";

const fake = await startFakeOpenAI(Number(process.argv[2] ?? 0));
process.stdout.write(`${fake.url}\n`);
