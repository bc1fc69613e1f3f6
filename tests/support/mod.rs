//! Shared by the test files: the MySQL/MariaDB server that tests/mysql/server.sh started, if any.
#![allow(dead_code)]

/// The test server: a base location (no table) and a direct connection for setting up tables.
pub struct MysqlServer {
    pub url: String,
}

impl MysqlServer {
    /// The server from ZTS_MYSQL_URL; None (and a note) when the tests run without one.
    pub fn from_env() -> Option<MysqlServer> {
        match std::env::var("ZTS_MYSQL_URL") {
            Ok(url) if cfg!(feature = "mysql") => Some(MysqlServer { url }),
            _ => {
                eprintln!("skipped: no MySQL server (run it through tests/mysql/server.sh)");
                None
            }
        }
    }

    /// The location of `table` after removing the table and its zts bookkeeping.
    pub fn fresh_location(&self, table: &str) -> String {
        self.drop_table(table);
        format!("{}?table={table}", self.url)
    }

    pub fn location(&self, table: &str) -> String {
        format!("{}?table={table}", self.url)
    }
}

#[cfg(feature = "mysql")]
impl MysqlServer {
    pub fn conn(&self) -> mysql::Conn {
        mysql::Conn::new(mysql::Opts::from_url(&self.url).unwrap()).unwrap()
    }

    /// Runs SQL statements as the test user (no parameters: test setup only).
    pub fn sql(&self, statements: &[&str]) {
        use mysql::prelude::Queryable;
        let mut conn = self.conn();
        for statement in statements {
            conn.query_drop(statement).unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
    }

    pub fn drop_table(&self, table: &str) {
        use mysql::prelude::Queryable;
        let mut conn = self.conn();
        conn.query_drop(format!("DROP TABLE IF EXISTS `{table}`")).unwrap();
        // zts_store exists once any store was opened.
        let _ = conn.exec_drop("DELETE FROM zts_store WHERE token_table = ?", (table,));
        let _ = conn.exec_drop("DELETE FROM zts_lease WHERE token_table = ?", (table,));
    }
}

#[cfg(not(feature = "mysql"))]
impl MysqlServer {
    pub fn drop_table(&self, _table: &str) {}
}
