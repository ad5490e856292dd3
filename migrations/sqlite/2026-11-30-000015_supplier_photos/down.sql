DROP TABLE supplier_photos;
