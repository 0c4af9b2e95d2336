/* db_migrations.h - the schema migrations compiled in (db/embed-sql.sh). */
#ifndef MD_DB_MIGRATIONS_H
#define MD_DB_MIGRATIONS_H

#include <stddef.h>

struct md_migration {
	int		 version;
	const char	*name;
	const char	*sql;
};

extern const struct md_migration md_migrations[];
extern const size_t md_nmigrations;

#endif
