// node src/main.ts import-mail SOURCE
import type { Config } from '../../config.ts';

export async function runImportMail(_source: string | undefined, _config: Config): Promise<number> {
  process.stderr.write('import-mail is not available yet\n');
  return 1;
}
