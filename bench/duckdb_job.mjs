// The Sparkify job written for DuckDB, as a user would write it instead of running sparkify:
// read_json with explicit columns and types, then the star schema in a few SQL statements with
// the semantics of sql/sqlite/*.sql. bench/run runs it beside `sparkify run` on the same
// workload and compares time and peak memory; it checks the row counts against the generator's
// expected.json.
//
//   node bench/duckdb_job.mjs --modules DIR --song-data DIR --log-data DIR --database FILE
//                             [--expected FILE] [--threads N] [--memory-limit SIZE]
//
// --modules is the node_modules folder where @duckdb/node-api is installed (bench/run installs it
// into its cache folder, outside the repository). The database file is replaced. Prints one JSON
// object: DuckDB's version and settings, seconds per step, row counts, and the count check.
// Exit code 1 when a count differs from expected.json.
//
// Semantics kept from sql/sqlite (see README "The warehouse"):
// - typed staging: userId "" becomes NULL, registration 1540919166796.0 an integer;
// - the double-encoded UTF-8 repair of every text value (at most twice), so the logs'
//   "Caf\u00c3\u0083\u00c2\u00a9" matches the catalog's "Café";
// - songs: per song_id the record of the first file by path; year 0 becomes NULL;
// - artists: each attribute from the artist's record with the smallest song_id where it is
//   non-empty (latitude and longitude as a pair);
// - users: attributes of the latest event by ts, session, item in session;
// - songplays: one per distinct NextSong event (session, item, user, ts), first copy by file and
//   line; matched when title = song AND artist_name = artist AND abs(duration - length) < 0.001,
//   the smallest song_id winning;
// - time: distinct start times, ISO week, weekday 0 = Sunday.
// Not reproduced: quarantine of invalid records (the generated data has none) and the ledger.
import { createRequire } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

function parseArgs(argv) {
  const args = { threads: null, memoryLimit: null, expected: null };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (i + 1 >= argv.length) throw new Error(`${argv[i]}: missing value`);
    args[key] = argv[i + 1];
  }
  for (const required of ['modules', 'songData', 'logData', 'database']) {
    if (!args[required]) throw new Error(`--${required.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is required`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const require = createRequire(path.join(path.resolve(args.modules), 'noop.js'));
const { DuckDBInstance } = require('@duckdb/node-api');

const sql = (s) => s.replace(/'/g, "''");
const songGlob = sql(path.join(path.resolve(args.songData), '**', '*.json'));
const logGlob = sql(path.join(path.resolve(args.logData), '**', '*.json'));

// Text repair as src/decode/text_repair.cpp: a string of code points up to U+00FF with at least
// one at or above U+0080, whose code points taken as bytes are valid UTF-8, is replaced by that
// decoding. strlen <> length is a cheap "has non-ASCII" test that keeps the regex off ASCII text.
const macros = `
CREATE OR REPLACE MACRO latin1_bytes(s) AS
  from_hex(array_to_string(list_transform(string_split(s, ''), c -> printf('%02x', unicode(c))), ''));
CREATE OR REPLACE MACRO repair1(s) AS
  CASE WHEN strlen(s) <> length(s) AND NOT regexp_matches(s, '[^\\x{00}-\\x{FF}]')
       THEN coalesce(try(decode(latin1_bytes(s))), s) ELSE s END;
CREATE OR REPLACE MACRO repair(s) AS repair1(repair1(s));
`;

const steps = [
  // With the default preserve_insertion_order, reading 100,000 one-object files runs out of
  // memory (18.8 GiB used of 24 GiB; DuckDB's message suggests this setting). The catalog's
  // order does not matter (songs pick by file name), so it is off for this read only; the
  // events' row order stands for "file, then line".
  ['stage_songs', `
SET preserve_insertion_order = false;
CREATE TABLE staging_songs AS
SELECT num_songs, repair(artist_id) AS artist_id, artist_latitude, artist_longitude,
       repair(artist_location) AS artist_location, repair(artist_name) AS artist_name,
       repair(song_id) AS song_id, repair(title) AS title, duration, year, filename
FROM read_json('${songGlob}', format = 'auto', filename = true,
  columns = {num_songs: 'BIGINT', artist_id: 'VARCHAR', artist_latitude: 'DOUBLE',
             artist_longitude: 'DOUBLE', artist_location: 'VARCHAR', artist_name: 'VARCHAR',
             song_id: 'VARCHAR', title: 'VARCHAR', duration: 'DOUBLE', year: 'BIGINT'})
WHERE song_id IS NOT NULL AND artist_id IS NOT NULL;
RESET preserve_insertion_order`],
  ['stage_events', `
CREATE TABLE staging_events AS
SELECT repair(artist) AS artist, repair(auth) AS auth, repair(firstName) AS first_name,
       repair(gender) AS gender, itemInSession AS item_in_session, repair(lastName) AS last_name,
       length, repair(level) AS level, repair(location) AS location, repair(method) AS method,
       repair(page) AS page, CAST(registration AS BIGINT) AS registration,
       sessionId AS session_id, repair(song) AS song, status, ts,
       repair(userAgent) AS user_agent, CAST(NULLIF(userId, '') AS BIGINT) AS user_id, filename
FROM read_json('${logGlob}', format = 'newline_delimited', filename = true,
  columns = {artist: 'VARCHAR', auth: 'VARCHAR', firstName: 'VARCHAR', gender: 'VARCHAR',
             itemInSession: 'BIGINT', lastName: 'VARCHAR', length: 'DOUBLE', level: 'VARCHAR',
             location: 'VARCHAR', method: 'VARCHAR', page: 'VARCHAR', registration: 'DOUBLE',
             sessionId: 'BIGINT', song: 'VARCHAR', status: 'BIGINT', ts: 'BIGINT',
             userAgent: 'VARCHAR', userId: 'VARCHAR'})
WHERE ts IS NOT NULL AND sessionId IS NOT NULL AND itemInSession IS NOT NULL`],
  ['songs', `
CREATE TABLE songs AS
SELECT song_id, title AS song, artist_id, NULLIF(year, 0) AS year, duration AS song_duration
FROM staging_songs
QUALIFY row_number() OVER (PARTITION BY song_id ORDER BY filename) = 1`],
  ['artists', `
CREATE TABLE artists AS
SELECT artist_id,
  arg_min(artist_name, (song_id, filename)) FILTER (WHERE artist_name <> '') AS artist,
  arg_min(artist_location, (song_id, filename)) FILTER (WHERE artist_location <> '')
    AS artist_location,
  arg_min(artist_latitude, (song_id, filename))
    FILTER (WHERE artist_latitude IS NOT NULL AND artist_longitude IS NOT NULL) AS artist_latitude,
  arg_min(artist_longitude, (song_id, filename))
    FILTER (WHERE artist_latitude IS NOT NULL AND artist_longitude IS NOT NULL) AS artist_longitude
FROM staging_songs GROUP BY artist_id`],
  ['users', `
CREATE TABLE users AS
SELECT user_id, latest.first_name, latest.last_name, latest.gender AS user_gender,
       latest.level AS user_level, epoch_ms(latest.ts) AS last_event_at,
       latest.session_id AS last_session_id, latest.item_in_session AS last_item_in_session
FROM (
  SELECT user_id,
         arg_max({first_name: first_name, last_name: last_name, gender: gender, level: level,
                  ts: ts, session_id: session_id, item_in_session: item_in_session},
                 (ts, session_id, item_in_session, -rowid)) AS latest
  FROM staging_events WHERE user_id IS NOT NULL GROUP BY user_id)`],
  ['songplays', `
CREATE TABLE songplays AS
WITH plays AS (
  SELECT rowid AS event_row, ts, user_id, session_id, item_in_session, level, location,
         user_agent, song, artist, length
  FROM staging_events WHERE page = 'NextSong'
  QUALIFY row_number() OVER (PARTITION BY session_id, item_in_session, user_id, ts
                             ORDER BY rowid) = 1),
matches AS (
  SELECT p.event_row, min(s.song_id) AS song_id
  FROM plays p JOIN staging_songs s
    ON s.title = p.song AND s.artist_name = p.artist AND abs(s.duration - p.length) < 0.001
  GROUP BY p.event_row)
SELECT row_number() OVER (ORDER BY p.event_row) AS songplay_id, epoch_ms(p.ts) AS start_time,
       p.user_id, m.song_id, sg.artist_id, p.session_id, p.item_in_session,
       p.level AS user_level, p.location AS user_location, p.user_agent
FROM plays p
LEFT JOIN matches m ON m.event_row = p.event_row
LEFT JOIN songs sg ON sg.song_id = m.song_id`],
  ['time', `
CREATE TABLE time AS
SELECT start_time, hour(start_time) AS hour, day(start_time) AS day,
       week(start_time) AS week, month(start_time) AS month, year(start_time) AS year,
       dayofweek(start_time) AS weekday
FROM (SELECT DISTINCT start_time FROM songplays)`],
];

const counts = {
  staging_events: 'SELECT count(*) FROM staging_events',
  staging_songs: 'SELECT count(*) FROM staging_songs',
  songs: 'SELECT count(*) FROM songs',
  artists: 'SELECT count(*) FROM artists',
  users: 'SELECT count(*) FROM users',
  paid_users: "SELECT count(*) FROM users WHERE user_level = 'paid'",
  songplays: 'SELECT count(*) FROM songplays',
  matched_songplays: 'SELECT count(*) FROM songplays WHERE song_id IS NOT NULL',
  time: 'SELECT count(*) FROM time',
};
// expected.json key for each count.
const expectedKey = {
  staging_events: 'events', staging_songs: 'songs', songs: 'songs', artists: 'artists',
  users: 'users', paid_users: 'paid_users', songplays: 'songplays',
  matched_songplays: 'matched_songplays', time: 'time_rows',
};

const started = performance.now();
rmSync(args.database, { force: true });
rmSync(args.database + '.wal', { force: true });
const instance = await DuckDBInstance.create(args.database);
const connection = await instance.connect();
const scalar = async (q) => (await connection.runAndReadAll(q)).getRows()[0][0];
if (args.threads) await connection.run(`SET threads = ${Number(args.threads)}`);
if (args.memoryLimit) await connection.run(`SET memory_limit = '${sql(args.memoryLimit)}'`);
await connection.run(macros);

const seconds = {};
let lap = performance.now();
for (const [name, statement] of steps) {
  await connection.run(statement);
  const now = performance.now();
  seconds[name] = (now - lap) / 1000;
  lap = now;
}
await connection.run('CHECKPOINT');
seconds.checkpoint = (performance.now() - lap) / 1000;
lap = performance.now();

const tables = {};
for (const [name, q] of Object.entries(counts)) tables[name] = Number(await scalar(q));
seconds.count = (performance.now() - lap) / 1000;
seconds.total = (performance.now() - started) / 1000;

const mismatches = [];
if (args.expected) {
  const expected = JSON.parse(readFileSync(args.expected, 'utf8'));
  for (const [name, key] of Object.entries(expectedKey)) {
    if (expected[key] !== tables[name]) {
      mismatches.push(`${name}: ${tables[name]}, expected ${expected[key]}`);
    }
  }
}
const report = {
  engine: 'duckdb',
  version: await scalar('SELECT version()'),
  threads: Number(await scalar("SELECT current_setting('threads')")),
  memory_limit: await scalar("SELECT current_setting('memory_limit')"),
  seconds,
  tables,
  check: { compared: Boolean(args.expected), ok: mismatches.length === 0, mismatches },
};
connection.closeSync();
instance.closeSync();
console.log(JSON.stringify(report));
process.exitCode = mismatches.length === 0 ? 0 : 1;
