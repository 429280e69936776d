-- Every table, for create-tables (which then creates them again).
{{include drop_shared_tables}}
