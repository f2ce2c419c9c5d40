import type { McpRegistry } from '@pgmcp/mcp-core';
import { z } from 'zod';
import type { PgToolsState } from './context.js';

type Messages = { role: 'user'; content: { type: 'text'; text: string } }[];

function user(text: string): Messages {
  return [{ role: 'user', content: { type: 'text', text } }];
}

/** Registers the four prompts of DESIGN.md §4.2. */
export function registerPgPrompts<S extends PgToolsState>(registry: McpRegistry<S>): void {
  registry.addPrompt({
    name: 'explore-database',
    title: 'Explore the database',
    description:
      'Get oriented in an unfamiliar database: what it holds, how tables relate, what questions it can answer.',
    render: () =>
      user(`Help me understand this PostgreSQL database.

1. Call get_schema_info without arguments for an overview, then call it again for the most important schemas and tables.
2. Describe the main entities and how they relate (foreign keys), using the table and column comments.
3. Use count_rows or small aggregate queries with query_database to show how much data there is and what time span it covers. Keep result sets small.
4. Finish with a short summary and five questions this data can answer, each with the SQL you would run.

Only read: do not modify anything.`),
  });

  registry.addPrompt({
    name: 'diagnose-query-issue',
    title: 'Diagnose a query problem',
    description: 'Find out why a query is slow, failing or returning unexpected results.',
    args: z.object({
      issue_description: z.string().min(1).describe('What is wrong: the query, the error, or the symptom.'),
    }),
    render: ({ issue_description }) =>
      user(`Help me diagnose this query problem:

${issue_description}

Work through it step by step:
1. If there is SQL, check it with test_query (syntax, statement kind, planning errors).
2. Look at the tables involved with get_schema_info (columns, types, indexes, row estimates).
3. For slowness, run execute_explain — with analyze: false first if the query might run long — and read the findings: sequential scans on big tables, spills to disk, misestimated row counts.
4. Propose concrete fixes (rewrites, indexes, statistics, settings), explaining the trade-offs, and show the improved SQL. Do not create indexes or change data unless I ask.`),
  });

  registry.addPrompt({
    name: 'design-schema',
    title: 'Design a schema',
    description:
      'Design PostgreSQL tables for a set of requirements, following the conventions of the existing database.',
    args: z.object({
      requirements: z.string().min(1).describe('What the data must support.'),
      use_case: z.string().optional().describe('How it will be used, e.g. OLTP app, analytics, event log.'),
      full_featured: z
        .string()
        .optional()
        .describe(
          '"true" for constraints, indexes, comments, partitioning and RLS where they fit; "false" for a minimal design.',
        ),
    }),
    render: ({ requirements, use_case, full_featured }) => {
      const full = full_featured === undefined ? true : /^(true|yes|1)$/i.test(full_featured.trim());
      return user(`Design a PostgreSQL schema for these requirements:

${requirements}
${use_case ? `\nUse case: ${use_case}\n` : ''}
First look at the existing database with get_schema_info to follow its naming and typing conventions and to reuse existing tables where sensible.

Then propose the DDL (CREATE TABLE statements) with appropriate types (identity keys, timestamptz, numeric for money, text over varchar(n), jsonb only where the shape is truly open), ${
        full
          ? 'primary and foreign keys, NOT NULL and CHECK constraints, the indexes the expected queries need, COMMENT ON for every table and important column, and partitioning or row-level security where the use case calls for it'
          : 'primary and foreign keys and only the essential indexes; keep it minimal'
      }. Explain each decision briefly and list the queries the design is meant to serve. Do not execute the DDL unless I ask.`);
    },
  });

  registry.addPrompt({
    name: 'setup-semantic-search',
    title: 'Set up semantic search',
    description:
      'Plan semantic (vector) search over text in this database with pgvector, including hybrid keyword search.',
    args: z.object({
      query_text: z.string().min(1).describe('An example of what users will search for.'),
    }),
    render: ({ query_text }) =>
      user(`I want semantic search over the text in this database. An example search: "${query_text}".

1. Find candidate text columns with get_schema_info (long free-text columns such as descriptions, tickets, reviews) and check whether pgvector is installed: query_database with SELECT extname, extversion FROM pg_extension.
2. Check existing vector columns with get_schema_info (vector_tables_only: true).
3. Propose the setup: the embedding model and its dimensions, a table or column for embeddings, chunking for long text, an HNSW index with the right operator class (vector_cosine_ops for cosine distance), and how embeddings are kept up to date.
4. Show the search SQL for the example above, both pure vector search (ORDER BY embedding <=> $1 LIMIT k) and a hybrid with full-text search (tsvector + ts_rank) combined by reciprocal rank fusion.

Do not create anything unless I ask; show the statements instead.`),
  });
}
