#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
int main(void){return 0;}
