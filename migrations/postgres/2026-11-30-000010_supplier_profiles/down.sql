DROP TABLE supplier_certifications;
DROP TABLE supplier_processes;
DROP TABLE supplier_profiles;
