// The phrasings the classifier recognises, one pattern per family. They are matched against the
// head of a text only (see SCAN_LIMIT in classifier.ts), so none of them may be slow on long input.

/** DDL of objects whose names are unambiguous in prose too ("drop index", "create table"). */
const DDL_OBJECTS =
  '(?:table|index|view|schema|database|extension|function|procedure|trigger|sequence|policy|domain|publication|subscription|tablespace|role)';
const DDL_MODIFIERS =
  '(?:(?:or\\s+replace|global|local|unique|temp|temporary|unlogged|materialized|foreign|recursive|constraint|event)\\s+)*';

/** DDL, case-insensitive: statements and prose about the unambiguous objects. */
const DDL_ANY_CASE = new RegExp(
  [
    `\\b(?:create|alter|drop)\\s+${DDL_MODIFIERS}${DDL_OBJECTS}\\b`,
    // Reports of a change made: "I created a materialized view", "we dropped the old index".
    `\\b(?:created|altered|dropped|recreated)\\s+(?:(?:a|an|the|new|that|this)\\s+)?${DDL_MODIFIERS}${DDL_OBJECTS}\\b`,
    '\\b(?:add|drop|rename|alter)\\s+(?:column|constraint)\\b',
    '\\b(?:added|dropped|renamed|altered)\\s+(?:(?:a|an|the|new)\\s+)?(?:column|constraint)\\b',
    '\\badd\\s+(?:primary|foreign)\\s+key\\b',
    '\\brename\\s+to\\b',
    '\\bcomment\\s+on\\s+(?:table|column|index|view)\\b',
    '\\b(?:grant|revoke)\\s+(?:select|insert|update|delete|all|usage|execute|truncate|references)\\b[^\\n]{0,60}\\b(?:on|to|from)\\b',
  ].join('|'),
  'i',
);

/** DDL of objects whose names are everyday words ("drop user sessions") counts only as SQL is written. */
const DDL_UPPER_CASE =
  /\b(?:CREATE|ALTER|DROP)\s+(?:OR\s+REPLACE\s+)?(?:TYPE|USER|GROUP|RULE|SERVER|STATISTICS|COLLATION|CAST|OPERATOR|AGGREGATE)\b/;

/** Schema changes: DDL in any text (user, assistant, tool input), in SQL or in prose. */
export function hasSchemaChange(text: string): boolean {
  return DDL_ANY_CASE.test(text) || DDL_UPPER_CASE.test(text);
}

/** A user taking back or fixing what was said before. */
export const USER_CORRECTION = new RegExp(
  [
    '\\bactually\\b',
    '\\binstead\\b',
    '\\bwrong\\b',
    '\\bincorrect\\b',
    '\\bcorrection\\b',
    '\\bi\\s+meant?\\b',
    '\\bshould\\s+(?:be|have\\s+been|read)\\b',
    '\\bnot\\s+quite\\b',
    "\\bthat'?s\\s+not\\s+(?:right|correct|it|what)\\b",
    '\\bthat\\s+is\\s+not\\s+(?:right|correct|it|what)\\b',
    '\\bnot\\s+what\\s+i\\s+(?:asked|meant|wanted|said)\\b',
    '\\bscratch\\s+that\\b',
    '\\bmy\\s+(?:mistake|bad)\\b',
    '\\bi\\s+(?:was|am)\\s+mistaken\\b',
    "\\b(?:no|nope),?\\s+(?:use|it'?s|it\\s+is|the|that|this|we|i|they|not)\\b",
    "\\bdon'?t\\s+use\\b",
    '\\brather\\s+than\\b',
    '\\bwait\\s*[,.!:]',
    '\\bhold\\s+on\\b',
    '\\bto\\s+clarify\\b',
    '\\btypo\\b',
    '\\bmisread\\b',
    '\\bmisunderst(?:ood|and)\\b',
    '\\b(?:ignore|forget)\\s+(?:that|what\\s+i|my\\s+(?:last|previous)|the\\s+previous|about)\\b',
    '\\bno\\s+longer\\b',
    '\\bchanged\\s+my\\s+mind\\b',
    '\\bthe\\s+(?:right|correct|real|actual)\\s+(?:one|table|column|name|value|schema|database|id)\\s+is\\b',
  ].join('|'),
  'i',
);

/** An assistant fixing its own earlier statement (narrower than the user's phrasings). */
export const ASSISTANT_CORRECTION =
  /\bcorrection:|\bi\s+was\s+wrong\b|\bmy\s+(?:mistake|bad)\b|\bi\s+made\s+(?:a|an)\s+(?:mistake|error)\b|\bi\s+mis(?:read|understood|typed)\b|\bi\s+stand\s+corrected\b/i;

/** Plan output as PostgreSQL prints it; case-sensitive so "explain why..." in prose is not a plan. */
export const PLAN_OUTPUT =
  /\bEXPLAIN\b|\bQUERY PLAN\b|\b(?:Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan|Hash Join|Merge Join|Nested Loop|HashAggregate|GroupAggregate|Gather Merge|Memoize|WindowAgg|CTE Scan|Subquery Scan)\b|\(cost=\d|\bactual time=\d|\b(?:Index Cond|Hash Cond|Recheck Cond|Sort Key|Rows Removed by Filter|Buffers: shared)\b|"Node Type"|"Total Cost"/;

/** Plans talked about in prose. */
export const PLAN_WORDS =
  /\b(?:query plan|execution plan|explain analy[sz]e|the planner|planner (?:chose|picks|uses|estimates)|seq(?:uential)? scan|index(?:-only)? scan|full table scan|nested loop|hash join|row estimates?)\b/i;

/** Execution times: psql and EXPLAIN timings, and "took 840 ms" in prose. */
export const TIMING =
  /\b(?:execution|planning) time\b|\bTime:\s*\d|\d\s?m(?:s|secs?|illiseconds?)\b|\b(?:took|takes|taking|ran|runs|runtime|duration|elapsed|completed|finished|timed out)\b[^\n]{0,40}?\d\s?(?:s|secs?|seconds?|mins?|minutes?|h|hours?)\b|\bstatement[_ ]timeout\b/i;

/** SQL errors as PostgreSQL and drivers report them. */
export const SQL_ERROR =
  /\b(?:ERROR|FATAL|PANIC):\s|\bsyntax error\b|\bdoes not exist\b|\bSQLSTATE\b|\bviolates\b[^\n]{0,60}\bconstraint\b|\bdeadlock detected\b|\bcanceling statement\b|\bduplicate key value\b|\binvalid input (?:syntax|value)\b|\bdivision by zero\b|\bout of range\b|\bmust appear in the GROUP BY\b|\bis ambiguous\b|\bcurrent transaction is aborted\b|\bcould not (?:serialize|obtain|connect|open|find|translate|access)\b|\bvalue too long\b/i;

/** Errors mentioned in prose ("I get an error", "it failed with"). */
export const ERROR_WORDS =
  /\b(?:got|get|getting|gets|gives?|giving|threw|throws|returned|returns|raised?|hit|hitting|see|seeing)\s+(?:an?\s+|this\s+|the\s+|that\s+)?(?:error|exception)\b|\berror(?:ed)?\s+(?:out|message)\b|\bfail(?:ed|s|ing)?\s+(?:with|because|on)\b|\bthe error\b/i;

/** Permission problems: PostgreSQL's messages, pgmcp's read-only guard, and how people put them. */
export const PERMISSION =
  /\bpermission denied\b|\bmust be (?:the )?owner\b|\binsufficient privilege|\bnot allowed (?:on|to|for|in|through)\b|\bread-only (?:connection|transaction|mode|role|replica|user)\b|\bin a read-only\b|\baccess denied\b|\bnot authori[sz]ed\b|\bforbidden\b|\black(?:s|ing)? (?:the )?(?:\w+ )?privileges?\b|\bno privileges?\b|\brequires? (?:the )?\w+ privilege\b|\bdoes not have (?:the )?(?:\w+ )?(?:privilege|permission)/i;

/** Findings, warnings and recommendations an answer leads with. */
export const FINDING =
  /\bkey finding|\bfindings?:|\b(?:i|we) found\b|\bfound that\b|\bit turns out\b|\broot cause\b|\bthe (?:culprit|bottleneck|problem|issue|cause) (?:is|was)\b|\bbottleneck\b|\bimportant\b|\bwarning\b|\bcritical\b|\bcaution\b|\bbeware\b|\bbe careful\b|\bheads[- ]up\b|\bnote that\b|\bnote:|\brecommend(?:s|ed|ation|ations)?\b|\bi(?: would|'d)? suggest\b|\bsuggestion\b|\byou should\b|\bconsider (?:adding|creating|using|dropping|increasing|raising|lowering|running|rewriting|partitioning|indexing)\b|\bbest practice\b|\bin conclusion\b|\bconclusion:|\btakeaway\b|\bTL;DR\b/i;

/** Timings as psql and EXPLAIN print them in tool output (case-sensitive literals: fast on long data). */
export const OUTPUT_TIMING = /(?:Execution|Planning) Time:|\bTime: \d|\d ?ms\b|statement timeout/;

/** Errors as PostgreSQL prints them in tool output. */
export const OUTPUT_ERROR =
  /\b(?:ERROR|FATAL|PANIC):\s|\bSQLSTATE\b|deadlock detected|canceling statement|duplicate key value|violates (?:unique|foreign key|not-null|check|exclusion) constraint|could not serialize|current transaction is aborted/;

/** Permission problems as PostgreSQL and pgmcp's read-only guard print them in tool output. */
export const OUTPUT_PERMISSION =
  /permission denied|must be owner|insufficient privilege|in a read-only transaction|not allowed (?:on|through) |read-only connection/;

/** Server warnings inside tool output (upper case, as PostgreSQL prints them). */
export const SERVER_WARNING = /\bWARNING:\s/;

/** References to documentation. */
export const DOCS =
  /postgresql\.org\/docs|\bdocumentation\b|\bthe docs\b|\bthe manual\b|\bman page\b|\brelease notes\b|\b(?:see|per|in) (?:section|chapter) \d|\baccording to the (?:docs|manual|documentation)\b/i;

/** Queries that are more than a lookup. */
export const COMPLEX_SQL = /\b(?:join|where|group\s+by|having|union|with|window|over)\b/i;

/** Tools whose results describe the schema (get_schema_info, describe_table, list_tables, ...). */
export const SCHEMA_TOOL =
  /(?:^|_)(?:schema|schemas|describe|ddl|columns|tables|indexes|table_info|table_definition|constraints)(?:_|$)/;

/** Tools that return plans. */
export const EXPLAIN_TOOL = /explain|query_plan|analy[sz]e_query/;
