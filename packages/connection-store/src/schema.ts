// Row types of the connection tables (see migrations/). Times are epoch ms, booleans 0/1.

export interface ConnectionsTable {
  id: string;
  name: string;
  name_key: string;
  description: string | null;
  host: string;
  port: number;
  database_name: string;
  username: string | null;
  password_secret: string | null;
  sslmode: string;
  sslrootcert: string | null;
  sslcert: string | null;
  sslkey: string | null;
  sslpassword_secret: string | null;
  allow_writes: number;
  credentials: string;
  is_monitored: number;
  owner_user_id: string | null;
  revision: number;
  created_at: number;
  updated_at: number;
}

export interface UserCredentialsTable {
  connection_id: string;
  user_id: string;
  username: string;
  password_secret: string | null;
  updated_at: number;
}

export interface ChangesTable {
  id: number;
  version: number | string;
}

export interface ConnectionTables {
  conn_connections: ConnectionsTable;
  conn_user_credentials: UserCredentialsTable;
  conn_changes: ChangesTable;
}
