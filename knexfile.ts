// For the knex CLI (`npm run migrate`); the server applies migrations itself at start.
import { databaseFromEnv } from './lib/config.js';
import { knexConfig } from './lib/db/knex.js';

export default knexConfig(databaseFromEnv());
