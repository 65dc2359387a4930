namespace TenantService.Catalog;

/// <summary>What happened to an insert into the catalog.</summary>
internal enum CatalogInsertOutcome
{
    Inserted,
    NameTaken,
    SchemaMissing,
}

/// <summary>What happened to a delete from the catalog; <c>HasChildren</c> leaves the record in place.</summary>
internal enum CatalogDeleteOutcome
{
    Deleted,
    NotFound,
    HasChildren,
}
